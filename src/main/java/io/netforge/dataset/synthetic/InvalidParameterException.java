package io.netforge.dataset.synthetic;

/** A generator parameter out of its domain; {@code parameter} is its name in the request. */
public final class InvalidParameterException extends IllegalArgumentException {

    private final String parameter;

    public InvalidParameterException(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }

    public String problem() {
        return getMessage().substring(parameter.length() + 2);
    }
}
