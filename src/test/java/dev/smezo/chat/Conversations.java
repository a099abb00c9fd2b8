package dev.smezo.chat;

import static dev.smezo.chat.Message.assistant;
import static dev.smezo.chat.Message.system;
import static dev.smezo.chat.Message.user;

import java.util.List;

/** Conversations the chat tests render: system or not, one turn or several, odd whitespace and non-ASCII text. */
final class Conversations {
    private Conversations() {}

    static final List<Message> SINGLE = List.of(user("What is the capital of France?"));

    static final List<Message> WITH_SYSTEM = List.of(
            system("You are a terse assistant."),
            user("What is the capital of France?"),
            assistant("Paris."));

    static final List<Message> MULTI_TURN = List.of(
            system("Answer in one word."),
            user("Name a colour of the sky."),
            assistant("Blue."),
            user("  And at night?\n"),
            assistant("Black, mostly; sometimes «indigo» — 中文 too."),
            user("Thanks!"));

    static final List<List<Message>> ALL = List.of(SINGLE, WITH_SYSTEM, MULTI_TURN);
}
