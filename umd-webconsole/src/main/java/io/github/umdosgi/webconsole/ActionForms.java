package io.github.umdosgi.webconsole;

/**
 * The restart and kill buttons of one driver: one small POST form each, to
 * the page itself, with the page's token. Stateless.
 */
final class ActionForms {

    private ActionForms() {
    }

    /**
     * @param pluginRoot the page's own path, from the console
     * @param token the page's {@link PostGuard} token
     * @param name the driver name (untrusted: escaped here)
     * @param back where the page returns after the action: {@code list} or {@code detail}
     * @return the forms' HTML
     */
    static String forDriver(String pluginRoot, String token, String name, String back) {
        StringBuilder out = new StringBuilder();
        for (DriverAction action : DriverAction.values()) {
            out.append("<form method=\"post\" action=\"").append(Html.text(pluginRoot))
                    .append("\" style=\"display:inline\">")
                    .append("<input type=\"hidden\" name=\"").append(PostGuard.TOKEN_FIELD).append("\" value=\"")
                    .append(Html.text(token)).append("\">")
                    .append("<input type=\"hidden\" name=\"action\" value=\"").append(action.key()).append("\">")
                    .append("<input type=\"hidden\" name=\"driver\" value=\"").append(Html.text(name)).append("\">")
                    .append("<input type=\"hidden\" name=\"back\" value=\"").append(Html.text(back)).append("\">")
                    .append("<button type=\"submit\" class=\"ui-state-default ui-corner-all umd-").append(action.key())
                    .append("\">").append(action.label()).append("</button></form> ");
        }
        return out.toString();
    }
}
