# syntax=docker/dockerfile:1
# Build stage: the Maven wrapper builds the executable jar (tests run in CI, not here).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY openapi.yaml ./
RUN ./mvnw -B -q -DskipTests package && cp target/netforge-*.jar /src/netforge.jar

# Runtime stage: a JRE and the jar. ND4J's native libraries (~400 MiB) are unpacked into the JavaCPP cache here, at
# build time, into the image's /app/.javacpp: a new container starts without unpacking them again.
# JDK 25, not the 17 the jar is built for: on CPUs with AVX-512 its C2 runs the wide kernel's matrix products on
# 512-bit vectors (JDK 17 cannot mix them with the other kernels' 256-bit ones; docs/performance.md). Its JRE
# includes jdk.incubator.vector (a boot module).
FROM eclipse-temurin:25-jre
# fontconfig and a font: the plots are drawn with Java2D, which needs them on a headless machine.
RUN apt-get update && apt-get install -y --no-install-recommends curl fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app netforge
WORKDIR /app
COPY --from=build /src/netforge.jar /app/netforge.jar
RUN mkdir -p /app/data /app/.javacpp && chown -R netforge /app
USER netforge
# JDK_JAVA_OPTIONS: the service's JVM options (see pom.xml's service.jvm.options).
# Memory from the container's limit: the heap 40% of it, ND4J's off-heap arrays at most as much again (JavaCPP's
# maxBytes, relative to the heap), the rest for metaspace, threads, native libraries and the page cache; a JVM out
# of memory exits (and is restarted) instead of limping on. The last two options keep JDK 25 from warning that
# ND4J's JavaCPP loads native code and uses sun.misc.Unsafe (both allowed on 25, as on 17).
ENV JAVA_TOOL_OPTIONS="-Dorg.bytedeco.javacpp.cachedir=/app/.javacpp -XX:MaxRAMPercentage=40 -Dorg.bytedeco.javacpp.maxBytes=100% -XX:+ExitOnOutOfMemoryError" \
    JDK_JAVA_OPTIONS="--add-modules=jdk.incubator.vector -XX:+ExplicitGCInvokesConcurrent -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
RUN java -jar /app/netforge.jar --unpack-native-libraries
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health/liveness >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/netforge.jar"]
