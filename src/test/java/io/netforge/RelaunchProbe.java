package io.netforge;

/**
 * Starts as NetforgeApplication does, then says whether the Vector API module is there and which JVM it is; with the
 * argument {@code wait}, then waits a minute (to be stopped or orphaned). Exits with 3.
 */
public final class RelaunchProbe {

    public static void main(String[] args) throws InterruptedException {
        java.util.OptionalInt relaunched = VectorModuleStart.relaunchIfNeeded();
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        System.out.println("module=" + ModuleLayer.boot().findModule(VectorModuleStart.MODULE).isPresent()
                + " exitOnOom=" + VectorModuleStart.exitsOnOutOfMemory() + " pid=" + ProcessHandle.current().pid() + " relaunched=" + System.getenv(VectorModuleStart.RELAUNCHED)
                + " args=" + String.join("|", args));
        System.out.flush();
        if (args.length > 0 && args[0].equals("wait")) {
            Thread.sleep(60_000);
        }
        System.exit(3);
    }
}
