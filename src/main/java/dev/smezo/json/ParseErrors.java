package dev.smezo.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors in plain words: {@code unexpected character 'x' (expected ',' or ']')}
 * rather than its messages for programmers (char codes, feature names, source dumps). Jackson has no
 * error codes, so its messages are matched; one not known here is passed on, only tidied.
 * JsonErrorsTest pins the wording of each kind, so a Jackson upgrade that rewords one fails there.
 */
final class ParseErrors {
    private ParseErrors() {}

    /** What went wrong, at a char offset from the start of the parsed text. */
    record Problem(int offset, String reason) {}

    private static final Pattern UNEXPECTED_CHAR =
            Pattern.compile("Unexpected character \\(.*?code (\\d+)[^)]*\\)\\)(?: in numeric value)?: (.*)", Pattern.DOTALL);
    private static final Pattern END_OF_INPUT = Pattern.compile("Unexpected end-of-input:? ?(.*)", Pattern.DOTALL);
    private static final Pattern CLOSE_MARKER = Pattern.compile("Unexpected close marker '(.)': (.*)", Pattern.DOTALL);
    private static final Pattern UNRECOGNIZED = Pattern.compile("(?:Unrecognized|Non-standard) token '(.*)': .*", Pattern.DOTALL);
    private static final Pattern CONTROL_IN_STRING = Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*", Pattern.DOTALL);
    private static final Pattern CONTROL_OUTSIDE = Pattern.compile("Illegal character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*", Pattern.DOTALL);
    private static final Pattern BAD_ESCAPE = Pattern.compile("Unrecognized character escape .*code (\\d+).*", Pattern.DOTALL);
    /** Where Jackson names the bracket that is still open: "... Array ... line: 3, column: 5]". */
    private static final Pattern OPENED_AT = Pattern.compile(".*(Array|Object) .*line: (\\d+), column: (\\d+)\\].*", Pattern.DOTALL);

    /**
     * @param text       what was parsed, to name the character at a position
     * @param afterValue the error came after the value, while checking that nothing follows it
     * @param lineBase   added to Jackson's line numbers (the text's first line, less one)
     */
    static Problem of(JsonProcessingException e, JsonParser p, CharSequence text, boolean afterValue, int lineBase) {
        String m = e.getOriginalMessage();
        int here = offset(e.getLocation(), p), tokenStart = offset(p.currentTokenLocation(), p);
        Matcher x;
        if (e instanceof StreamConstraintsException) {
            return new Problem(tokenStart, m.startsWith("Document nesting depth") ? "nesting deeper than " + Json.MAX_DEPTH : tidy(m));
        }
        if ((x = UNEXPECTED_CHAR.matcher(m)).matches()) {
            return unexpectedCharacter(Integer.parseInt(x.group(1)), x.group(2), here, tokenStart, text);
        }
        if ((x = END_OF_INPUT.matcher(m)).matches()) {
            String rest = x.group(1);
            if (rest.contains("closing quote")) return new Problem(tokenStart, "unterminated string");
            return new Problem(here, "unexpected end of input" + endDetail(rest, lineBase));
        }
        if ((x = CLOSE_MARKER.matcher(m)).matches()) {
            String what = "'" + x.group(1) + "'";
            if (afterValue) return new Problem(here, "unexpected " + what + " after the JSON value");
            Matcher open = OPENED_AT.matcher(x.group(2));
            if (!open.matches()) return new Problem(here, "unexpected " + what + " (expected a value)");
            return new Problem(here, "unexpected " + what + " (expected " + closing(open) + " for " + opened(open, lineBase) + ")");
        }
        if ((x = UNRECOGNIZED.matcher(m)).matches()) {
            String what = "'" + x.group(1) + "'";
            if (afterValue) return new Problem(tokenStart, "unexpected " + what + " after the JSON value");
            String why = m.startsWith("Non-standard") ? "expected a value; JSON has no NaN or Infinity" : "expected a value";
            return new Problem(tokenStart, "unexpected " + what + " (" + why + ")");
        }
        if ((x = CONTROL_IN_STRING.matcher(m)).matches()) {
            int c = Integer.parseInt(x.group(1));
            return new Problem(at(c, here, text), "raw control character " + describe(c) + " in string (escape it)");
        }
        if ((x = CONTROL_OUTSIDE.matcher(m)).matches()) {
            int c = Integer.parseInt(x.group(1));
            return new Problem(at(c, here, text), "unexpected character " + describe(c) + " (only space, tab, CR and LF may separate tokens)");
        }
        if ((x = BAD_ESCAPE.matcher(m)).matches()) {
            int c = Integer.parseInt(x.group(1));
            // Jackson points at the escaped character; the escape starts at the backslash before it.
            return new Problem(Math.max(0, here - 1), "invalid escape " + (c < 0x20 ? "'\\' before " + describe(c) : "'\\" + (char) c + "'"));
        }
        if (m.contains("Leading zeroes not allowed")) return new Problem(here, "leading zero in number");
        return new Problem(here, tidy(m));
    }

    private static Problem unexpectedCharacter(int c, String comment, int here, int tokenStart, CharSequence text) {
        String what = describe(c);
        if (comment.startsWith("Expected space separating root-level values")) {
            return new Problem(at(c, here, text), "unexpected character " + what + " after the JSON value");
        }
        if (comment.contains("not followed by a digit")) {
            // Jackson points at the '.' or 'e' (and may name it): the digit is missing after it, or after the exponent's sign.
            int after = here + 1;
            if (comment.startsWith("Exponent") && after < text.length() && "+-".indexOf(text.charAt(after)) >= 0) after++;
            String found = after < text.length() ? "character " + describe(text.charAt(after)) : "end of input";
            return new Problem(after, "unexpected " + found + " (" + expected(comment) + ")");
        }
        if (comment.contains("hex-digit")) return new Problem(at(c, here, text), "invalid hex digit " + what + " in a \\u escape");
        if (comment.contains("plus sign")) {
            return new Problem(tokenStart, "unexpected character " + what + " (expected a value; JSON numbers have no '+')");
        }
        return new Problem(at(c, here, text), "unexpected character " + what + " (" + expected(comment) + ")");
    }

    /** Where character {@code c} is: Jackson's position points at it or, for some errors, just past it. */
    private static int at(int c, int here, CharSequence text) {
        boolean there = here < text.length() && text.charAt(here) == c;
        return !there && here > 0 && text.charAt(here - 1) == c ? here - 1 : here;
    }

    /** Jackson's "expected ..." comment on an unexpected character, in JSON's terms. */
    private static String expected(String comment) {
        if (comment.startsWith("expected a valid value") || comment.startsWith("expected a value")) return "expected a value";
        if (comment.startsWith("maybe a (non-standard) comment")) return "expected a value; JSON has no comments";
        if (comment.contains("double-quote to start field name")) return "expected a member name in double quotes";
        if (comment.contains("colon to separate field name and value")) return "expected ':'";
        if (comment.contains("comma to separate Array entries")) return "expected ',' or ']'";
        if (comment.contains("comma to separate Object entries")) return "expected ',' or '}'";
        if (comment.contains("Decimal point not followed by a digit")) return "expected a digit after '.'";
        if (comment.contains("Exponent indicator not followed by a digit")) return "expected a digit in the exponent";
        if (comment.contains("to follow minus sign")) return "expected a digit after '-'";
        return tidy(comment);
    }

    private static String endDetail(String rest, int lineBase) {
        Matcher open = OPENED_AT.matcher(rest);
        if (rest.contains("close marker") && open.matches()) return " (expected " + closing(open) + " for " + opened(open, lineBase) + ")";
        if (rest.contains("Array entries")) return " inside an array";
        if (rest.contains("Object entries")) return " inside an object";
        if (rest.contains("character escape")) return " in an escape sequence";
        if (rest.contains("field name")) return " in a member name";
        if (rest.contains("following sign")) return " (expected a digit after '-')";
        if (rest.contains("exponent")) return " (expected a digit in the exponent)";
        return rest.isBlank() ? "" : " (" + tidy(rest) + ")";
    }

    private static String closing(Matcher open) {
        return open.group(1).equals("Array") ? "']'" : "'}'";
    }

    private static String opened(Matcher open, int lineBase) {
        return "the '" + (open.group(1).equals("Array") ? "[" : "{") + "' at line " + (lineBase + Integer.parseInt(open.group(2)))
                + ", column " + open.group(3);
    }

    /** A message Jackson has and this class does not know: without source dumps and feature hints. */
    private static String tidy(String m) {
        String s = m.replaceAll("\\s*\\(?(?:start marker at |for \\w+ starting at )?\\[Source:[^\\]]*\\]\\)?", "")
                .replaceAll(":? ?enable `[^`]*` to allow", "").replaceAll(", from `[^`]*`", "").trim();
        return s.isEmpty() ? "invalid JSON" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static int offset(JsonLocation at, JsonParser p) {
        if (at == null || at.getCharOffset() < 0) at = p.currentLocation();
        return (int) Math.max(0, at.getCharOffset());
    }

    /** A character as an error names it: quoted when it prints, else its code point (U+0009, U+FEFF). */
    static String describe(int c) {
        boolean visible = c > 0x20 && c != 0x7f && !Character.isSurrogate((char) c) && !Character.isSpaceChar(c)
                && Character.getType(c) != Character.FORMAT && Character.getType(c) != Character.CONTROL;
        return visible ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }
}
