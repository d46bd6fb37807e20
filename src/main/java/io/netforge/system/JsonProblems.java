package io.netforge.system;

import tools.jackson.core.JacksonException;

/** Problems with JSON the code binds itself (a request inside a request), worded as a body's would be. */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** What is wrong with an unreadable request body, naming the field (the words of a problem's detail). */
    public static String describe(org.springframework.http.converter.HttpMessageNotReadableException e) {
        return ProblemHandler.describe(e);
    }

    /** A 400 naming {@code field} for a value that could not be bound, saying why (inner paths included). */
    public static ApiException invalidValue(String field, JacksonException e) {
        return ApiException.invalidField(field, ProblemHandler.describeCause(e));
    }

    /**
     * A 400 for JSON under {@code prefix} that could not be bound: {@code prefix.path: problem}, with the field.
     */
    public static ApiException invalid(String prefix, JacksonException e) {
        String detail = ProblemHandler.describeCause(e);
        String path = ProblemHandler.path(e.getPath());
        String field = path.isEmpty() ? prefix : prefix + (path.startsWith("[") ? "" : ".") + path;
        String problem = path.isEmpty() ? detail : detail.startsWith(path) ? detail.substring(path.length()) : ": " + detail;
        if (problem.startsWith("request body")) {
            problem = problem.substring("request body".length());
        }
        return ApiException.badRequest(field + (problem.startsWith(":") ? problem : ": " + problem)).with("field", field);
    }
}
