package io.netforge.web;

import io.netforge.problem.DomainException;
import tools.jackson.core.JacksonException;

/** Problems with JSON the code binds itself (a request inside a request), worded as a body's would be. */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** What is wrong with an unreadable request body, naming the field (the words of a problem's detail). */
    public static String describe(org.springframework.http.converter.HttpMessageNotReadableException e) {
        return ProblemHandler.describe(e);
    }

    /** What is wrong with JSON the code reads itself (a streamed body), naming the field. */
    public static String describe(JacksonException e) {
        return ProblemHandler.describeCause(e);
    }

    /** A 400 naming {@code field} for a value that could not be bound, saying why (inner paths included). */
    public static DomainException invalidValue(String field, JacksonException e) {
        return DomainException.invalidField(field, ProblemHandler.describeCause(e));
    }

    /**
     * A 400 for a body the code binds itself (from a tree), worded and with the {@code field} it would have had bound
     * by Spring.
     */
    public static DomainException invalidBody(JacksonException e) {
        DomainException problem = DomainException.invalidInput(ProblemHandler.describeCause(e));
        String field = ProblemHandler.path(e.getPath());
        return field.isEmpty() ? problem : problem.with("field", field);
    }
}
