package dev.smezo.fuzz;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the fuzz targets' seed inputs into src/test/resources/fuzz/ (run once; the files are
 * committed): small valid inputs of every shape each reader knows, so the fuzzer starts inside the
 * formats. The trajectory seed is a real run's file (see that directory's README).
 *
 * <pre>java -cp target/test-classes:target/classes:... dev.smezo.fuzz.Seeds .</pre>
 */
public final class Seeds {
    /** The smallest model of each family a seed can be: one layer, 32 wide, the smallest BPE vocabulary. */
    static final ModelShape MICRO = new ModelShape("micro", 384, 32, 1, 2, 1, 64, 64, 1e-5f, 10000f);

    private Seeds() {}

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args.length > 0 ? args[0] : ".");
        Path gguf = dir(repo, "dev.smezo.gguf.GgufFuzzer");
        new Synth(Synth.Flavor.LLAMA, MICRO, GgmlType.F16, false, 1).write(gguf.resolve("llama-micro-f16.gguf"), null);
        Synth.named(Synth.Flavor.QWEN2, MICRO, "q8_0", true, 2).write(gguf.resolve("qwen2-micro-q8_0-tied.gguf"), null);
        new Synth(Synth.Flavor.GEMMA2, MICRO, GgmlType.BF16, true, 3).write(gguf.resolve("gemma2-micro-bf16.gguf"), null);

        Path task = dir(repo, "dev.smezo.task.TaskFileFuzzer");
        for (String name : new String[] {"rte", "sst2", "copa", "multirc", "synthetic-keywords", "tinystories-feelings"}) {
            try (InputStream in = Seeds.class.getResourceAsStream("/dev/smezo/task/" + name + ".json")) {
                Files.write(task.resolve("builtin-" + name + ".json"), in.readAllBytes());
            }
        }
        write(task, "user-jsonl.json", """
                {"name": "mine", "train": "train.jsonl", "validation": "train.jsonl",
                 "template": "{premise}\\nDoes this mean that \\"{hypothesis}\\" is true? Yes or No?\\n",
                 "transforms": {"premise": ["strip", "capitalize_first"]},
                 "label_field": "label", "label_words": {"0": "Yes", "1": "No"}, "loss": "classification", "metric": "accuracy"}
                """);
        write(task, "user-tsv.json", """
                {"name": "mine-tsv", "train": "train.tsv", "format": "tsv", "template": "{sentence} It was",
                 "label_field": "label", "label_words": {"0": " terrible", "1": " great"}, "positive_label": "1",
                 "loss": "classification", "metric": ["accuracy", "f1"], "defaults": {"train": 2, "dev": 1, "test": 1}}
                """);
        write(task, "user-choice.json", """
                {"name": "mine-choice", "train": "train.jsonl", "template": "{premise}{connective}",
                 "derived": {"connective": {"from": "label", "values": {"0": " so ", "1": " because "}}},
                 "candidate_fields": ["premise", "hypothesis"], "candidate_transforms": ["lower_first_unless_i"],
                 "label_field": "label", "loss": "multiple_choice", "metric": "accuracy"}
                """);

        Path records = dir(repo, "dev.smezo.task.TaskRecordsFuzzer");   // first byte: sst2 rte boolq copa wic multirc
        write(records, "0-sst2.tsv", "\0sentence\tlabel\nit 's a charming and often affecting journey . \t1\nunflinchingly bleak\t0\n");
        write(records, "1-rte.jsonl", "\1{\"premise\": \"Dana Reeve died of lung cancer.\", \"hypothesis\": \"Dana Reeve is dead.\", "
                + "\"label\": \"entailment\", \"idx\": 0}\n{\"premise\": \"It rained.\", \"hypothesis\": \"It was dry.\", "
                + "\"label\": \"not_entailment\", \"idx\": 1}\n");
        write(records, "2-boolq.jsonl", "\2{\"question\": \"is the sky blue\", \"passage\": \"Rayleigh scattering makes it so.\", "
                + "\"idx\": 0, \"label\": true}\n");
        write(records, "3-copa.jsonl", "\3{\"premise\": \"My body cast a shadow over the grass.\", \"choice1\": \"The sun was rising.\", "
                + "\"choice2\": \"The grass was cut.\", \"question\": \"cause\", \"idx\": 0, \"label\": 0}\n");
        write(records, "4-wic.jsonl", "\4{\"word\": \"place\", \"sentence1\": \"Do you want to come over to my place later?\", "
                + "\"sentence2\": \"A political system with no place for the less prominent groups.\", \"idx\": 0, \"label\": false, "
                + "\"start1\": 31, \"start2\": 27, \"end1\": 36, \"end2\": 32, \"version\": 1.1}\n");
        write(records, "5-multirc.jsonl", "\5{\"idx\": 0, \"version\": 1.1, \"passage\": {\"text\": \"Sent 1: A dog ran.<br>Sent 2: It stopped.\", "
                + "\"questions\": [{\"question\": \"What ran?\", \"idx\": 0, \"answers\": [{\"text\": \"A dog\", \"idx\": 0, \"label\": 1}, "
                + "{\"text\": \"A cat\", \"idx\": 1, \"label\": 0}]}]}}\n");

        Path data = dir(repo, "dev.smezo.data.DataFileFuzzer");
        write(data, "messages.jsonl", """
                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}]}
                {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}, {"role": "user", "content": "And 3+3?"}, {"role": "assistant", "content": "6"}]}
                """);
        write(data, "sharegpt.jsonl", """
                {"conversations": [{"from": "human", "value": "Name a colour."}, {"from": "gpt", "value": "Blue."}]}
                """);
        write(data, "prompt-completion.jsonl", """
                {"prompt": "The capital of France is", "completion": " Paris."}
                {"prompt": [{"role": "user", "content": "Capital of Italy?"}], "completion": [{"role": "assistant", "content": "Rome."}]}
                """);
        write(data, "alpaca.jsonl", """
                {"instruction": "Translate to French.", "input": "cat", "output": "chat"}
                {"instruction": "Say hi.", "output": "hi"}
                """);
        write(data, "text.jsonl", "{\"text\": \"Once upon a time, there was a cat.\"}\r\n\n{\"text\": \"\\u00e9t\\u00e9 \\ud83e\\udd99\"}\n");

        Path chat = dir(repo, "dev.smezo.chat.ChatTemplateFuzzer");
        write(chat, "chatml.jinja", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
                + "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        write(chat, "llama3.jinja", "{{- bos_token }}{%- set loop_messages = messages -%}{%- for message in loop_messages -%}"
                + "{%- set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + "
                + "'<|eot_id|>' -%}{{- content -}}{%- endfor -%}{%- if add_generation_prompt -%}"
                + "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}{%- endif -%}");
        write(chat, "gemma.jinja", "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
                + "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
                + "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
                + "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
                + "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}");
        write(chat, "features.jinja", "{%- macro render(m, i) -%}[{{ i }}:{{ m.role | upper }}] {{ m.content | replace('a', 'A') }}"
                + "{%- endmacro -%}{%- set ns = namespace(n=0, sys='') -%}{%- for m in messages -%}{%- if m.role == 'system' -%}"
                + "{%- set ns.sys = m.content -%}{%- elif m.role in ['user', 'assistant'] -%}{{ render(m, loop.index) }}\\n"
                + "{%- set ns.n = ns.n + 1 -%}{%- else -%}{{ m | tojson }}{%- endif -%}{%- endfor -%}"
                + "{{ ns.sys ~ ' ' ~ ns.n ~ ' ' ~ (messages | length) ~ ' ' ~ (messages[1:] | map(attribute='role') | join(',')) }}"
                + "{% if tools is defined %}{{ tools | tojson(indent=2) }}{% endif %}{{ '%d'|format(3) if true else 'x' }}"
                + "{% if add_generation_prompt %}<|assistant|>{% endif %}");
        write(chat, "with-content.jinja", "{% for m in messages %}{{ m.content[::-1] }}|{{ m.content.split(' ')[0] }}{% endfor %}"
                + "\0Hello {% raw %} world");
        write(chat, "broken.jinja", "{% for message in messages %}{{ message.content ");
    }

    private static Path dir(Path repo, String target) throws IOException {
        return Files.createDirectories(FuzzTargets.seeds(repo, target));
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
