package io.dealsetl.app;

/** One line that says why something failed, for an operator, without a stack trace. */
final class Failures {
    private Failures() {
    }

    /** The failure's message and, when different, its root cause's. Messages here never carry secrets. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String top = message(e);
        String cause = message(root);
        String line = root == e || top.contains(cause) ? top : top + ": " + cause;
        // driver messages can carry the URL; keep any password out
        return line.replaceAll("password=[^&\\s]*", "password=***").replaceAll("[\\r\\n]+", " ");
    }

    private static String message(Throwable t) {
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }
}
