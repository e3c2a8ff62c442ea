package io.github.umdosgi.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into Gogo commands at {@code ;} and newlines.
 * <p>
 * Separators inside quotes, or inside {@code {}}, {@code ()} and {@code []}
 * are kept, so closures such as {@code each $l { echo $it; echo x }} stay one
 * command. A backslash keeps the next character as is. Each command is run on
 * its own so the runner can report exactly which one failed.
 */
final class CommandSplitter {

    private CommandSplitter() {
    }

    /** Returns the trimmed, non-empty commands of {@code script}, in order. */
    static List<String> split(String script) throws UsageException {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        int depth = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\' && i + 1 < script.length()) {
                current.append(c).append(script.charAt(++i));
                continue;
            }
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                current.append(c);
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '{', '(', '[' -> depth++;
                case '}', ')', ']' -> depth = Math.max(0, depth - 1);
                case ';', '\n', '\r' -> {
                    if (depth == 0) {
                        add(commands, current);
                        continue;
                    }
                }
                default -> {
                }
            }
            current.append(c);
        }
        if (quote != 0) {
            throw new UsageException("unterminated " + quote + " quote in command: " + script.strip());
        }
        add(commands, current);
        return commands;
    }

    private static void add(List<String> commands, StringBuilder current) {
        String command = current.toString().strip();
        if (!command.isEmpty()) {
            commands.add(command);
        }
        current.setLength(0);
    }
}
