package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The six built-in tasks on their full original files in shared/data/superglue.
 *
 * <p>Record counts were checked independently of this code, in the data directory:
 * <pre>
 *   jq -c . X.jsonl | wc -l                       # JSONL records (BoolQ, COPA, MultiRC paragraphs, RTE, WiC)
 *   tail -n +2 SST-2/train.tsv | wc -l            # TSV rows after the header
 *   jq '[.passage.questions[].answers[]] | length' MultiRC/train.jsonl | awk '{s+=$1} END {print s}'
 *   jq '.passage.questions | length' MultiRC/train.jsonl | awk '{s+=$1} END {print s}'
 * </pre>
 * (and again with a few lines of Python's json module): MultiRC train 456 paragraphs, 5,131
 * questions, 27,243 (question, answer) pairs of which 12,025 true; val 83 paragraphs, 953 questions,
 * 4,848 pairs of which 2,075 true.
 *
 * <p>Golden prompts are written by hand from the first raw record(s) of each file and PROTOCOL.md's
 * templates; where a passage is long, the test pins its start, the exact rendered tail and the exact
 * length instead of copying the passage into the repository.
 */
@Tag("data")
class BuiltInDataTest {
    private static final Map<String, List<Example>> CACHE = new ConcurrentHashMap<>();

    private static List<Example> load(String task, Split split) {
        Path dir = SharedData.superglue();
        return CACHE.computeIfAbsent(task + "/" + split, k -> Tasks.byName(task).load(split, dir));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "sst2, TRAIN, 67349",
        "sst2, VALIDATION, 872",
        "rte, TRAIN, 2490",
        "rte, VALIDATION, 277",
        "boolq, VALIDATION, 3270",
        "wic, TRAIN, 5428",
        "wic, VALIDATION, 638",
        "multirc, TRAIN, 27243",
        "multirc, VALIDATION, 4848",
        "copa, TRAIN, 400",
        "copa, VALIDATION, 100",
    })
    void fullFilesLoadWithPublishedCounts(String task, Split split, int count) {
        List<Example> examples = load(task, split);
        assertEquals(count, examples.size());
        Set<String> ids = new HashSet<>();
        for (Example e : examples) assertTrue(ids.add(e.id()), "duplicate id " + e.id());
    }

    @Test
    void boolqHasNoTrainFile() {
        Path data = SharedData.superglue();
        Task boolq = Tasks.byName("boolq");
        assertFalse(boolq.has(Split.TRAIN));
        TaskDataException e = assertThrows(TaskDataException.class, () -> boolq.load(Split.TRAIN, data));
        assertTrue(e.getMessage().contains("no train file"), e.getMessage());
    }

    @Test
    void labelBalanceMatchesTheFiles() {
        // Counted with jq/python: SST-2 train 37,569 positive; RTE val 146 entailment; BoolQ val 2,033 true;
        // WiC val 319 true; MultiRC true answers: val 2,075, train 12,025.
        assertEquals(37569, count(load("sst2", Split.TRAIN), 1));
        assertEquals(146, count(load("rte", Split.VALIDATION), 0));
        assertEquals(2033, count(load("boolq", Split.VALIDATION), 0));
        assertEquals(319, count(load("wic", Split.VALIDATION), 1));
        assertEquals(2075, count(load("multirc", Split.VALIDATION), 1));
        assertEquals(12025, count(load("multirc", Split.TRAIN), 1));
    }

    private static long count(List<Example> examples, int label) {
        return examples.stream().filter(e -> e.label() == label).count();
    }

    @Test
    void sst2Golden() {
        // train.tsv line 2: "hide new secretions from the parental units \t0" (the sentence ends in a space; MeZO strips it)
        Example e = load("sst2", Split.TRAIN).getFirst();
        assertEquals("hide new secretions from the parental units It was", e.prompt());
        assertEquals(List.of(" terrible", " great"), e.candidates());
        assertEquals(0, e.label());
        // dev.tsv line 2: "it 's a charming and often affecting journey . \t1"
        Example d = load("sst2", Split.VALIDATION).getFirst();
        assertEquals("it 's a charming and often affecting journey . It was", d.prompt());
        assertEquals(1, d.label());
        assertEquals(" great", d.answer());
    }

    @Test
    void rteGolden() {
        Example e = load("rte", Split.TRAIN).getFirst();
        assertEquals("No Weapons of Mass Destruction Found in Iraq Yet.\n"
                + "Does this mean that \"Weapons of Mass Destruction Found in Iraq.\" is true? Yes or No?\n", e.prompt());
        assertEquals(List.of("Yes", "No"), e.candidates());
        assertEquals(1, e.label()); // not_entailment
        assertEquals("0", e.id());
        Example v = load("rte", Split.VALIDATION).getFirst();
        assertEquals("Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44, according to the"
                + " Christopher Reeve Foundation.\nDoes this mean that \"Christopher Reeve had an accident.\" is true? Yes or No?\n", v.prompt());
        assertEquals(1, v.label());
        assertEquals(0, load("rte", Split.TRAIN).get(1).label()); // idx 1 is entailment
    }

    @Test
    void boolqGoldenCapitalizesAndAddsOneQuestionMark() {
        // val.jsonl line 1: question "does ethanol take more energy make that produces", label false,
        // passage of 1,384 characters "Ethanol fuel -- All biomass ... than producing gasoline."
        Example e = load("boolq", Split.VALIDATION).getFirst();
        assertTrue(e.prompt().startsWith("Ethanol fuel -- All biomass goes through at least some of these steps"), e.prompt());
        assertTrue(e.prompt().endsWith("uses much less petroleum than producing gasoline. Does ethanol take more energy make that produces?\n"));
        assertEquals(1384 + " Does ethanol take more energy make that produces?\n".length(), e.prompt().length());
        assertEquals(List.of("Yes", "No"), e.candidates());
        assertEquals(1, e.label());
        for (Example x : load("boolq", Split.VALIDATION)) {
            assertTrue(x.prompt().endsWith("?\n") && !x.prompt().endsWith("??\n"), x.id());
        }
    }

    @Test
    void wicGolden() {
        Example e = load("wic", Split.TRAIN).getFirst();
        assertEquals("Does the word \"place\" have the same meaning in these two sentences? Yes, No?\n"
                + "Do you want to come over to my place later?\n"
                + "A political system with no place for the less prominent groups.\n", e.prompt());
        assertEquals(List.of("No", "Yes"), e.candidates());
        assertEquals(0, e.label());
        Example v = load("wic", Split.VALIDATION).get(1);
        assertEquals("Does the word \"stripe\" have the same meaning in these two sentences? Yes, No?\n"
                + "Businessmen of every stripe joined in opposition to the proposal.\n"
                + "They earned their stripes in Kuwait.\n", v.prompt());
        assertEquals(0, v.label());
    }

    @Test
    void multircGoldenAndGroups() {
        // val.jsonl line 1: passage idx 0 (841 characters, "What causes a change in motion? ... very small force. "),
        // question idx 0 with 4 answers: "No" (0), "Yes" (1), "Less the mass, less the force applied" (1),
        // "It depends on the shape of the baseball" (0).
        List<Example> val = load("multirc", Split.VALIDATION);
        String tail = "\nQuestion: Would the mass of a baseball affect how much force you have to use to pick it up?\n"
                + "I found this answer \"%s\". Is that correct? Yes or No?\n";
        String[] answers = {"No", "Yes", "Less the mass, less the force applied", "It depends on the shape of the baseball"};
        int[] labels = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            Example e = val.get(i);
            assertTrue(e.prompt().startsWith("What causes a change in motion? The application of a force."), e.prompt());
            String end = String.format(Locale.ROOT, tail, answers[i]);
            assertTrue(e.prompt().endsWith("This requires only a very small force. " + end), e.prompt());
            assertEquals(841 + end.length(), e.prompt().length());
            assertEquals(List.of("No", "Yes"), e.candidates());
            assertEquals(labels[i], e.label());
            assertEquals("p0-q0", e.group());
            assertEquals("p0-q0-a" + i, e.id());
        }
        assertTrue(!val.get(4).group().equals("p0-q0"));
        assertEquals(953, val.stream().map(Example::group).distinct().count());
        assertEquals(5131, load("multirc", Split.TRAIN).stream().map(Example::group).distinct().count());
        Example t = load("multirc", Split.TRAIN).get(2);
        assertTrue(t.prompt().startsWith("While this process moved along, diplomacy continued its rounds."));
        assertTrue(t.prompt().endsWith(" The U.S. effort continued. \nQuestion: What did the high-level effort to persuade Pakistan include?\n"
                + "I found this answer \"Asking Pakistan to help the USA\". Is that correct? Yes or No?\n"), t.prompt());
        assertEquals(1, t.label());
    }

    @Test
    void copaGoldenCauseEffectAndTheIRule() {
        List<Example> train = load("copa", Split.TRAIN);
        // idx 0: cause; both choices lower-cased.
        Example c = train.getFirst();
        assertEquals("My body cast a shadow over the grass because ", c.prompt());
        assertEquals(List.of("the sun was rising.", "the grass was cut."), c.candidates());
        assertEquals(0, c.label());
        // idx 4: "It" is not "I": lower-cased.
        assertEquals(List.of("it was a surprise party.", "it was a birthday party."), train.get(4).candidates());
        // idx 128: choice1 starts with a space; its first word is empty, so it stays as it is (as in MeZO).
        assertEquals("The trip took a long time because ", train.get(128).prompt());
        assertEquals(List.of(" The driver talked the whole way.", "the driver made a wrong turn."), train.get(128).candidates());
        // idx 209: the premise ends in ". " - trailing space, then the period, go.
        assertEquals("The parents forbade their children from watching the movie because ", train.get(209).prompt());

        List<Example> val = load("copa", Split.VALIDATION);
        // idx 0: effect -> " so ".
        Example v = val.getFirst();
        assertEquals("The man turned on the faucet so ", v.prompt());
        assertEquals(List.of("the toilet filled with water.", "water flowed from the spout."), v.candidates());
        assertEquals(1, v.label());
        // idx 3: "I" keeps its capital.
        Example i = val.get(3);
        assertEquals("I wanted to conserve energy so ", i.prompt());
        assertEquals(List.of("I swept the floor in the unoccupied room.", "I shut off the light in the unoccupied room."), i.candidates());
        assertEquals(1, i.label());
    }

    @Test
    void copaFirstLetterRuleAgreesWithMezoWholeWordRuleOnTheseFiles() {
        // MeZO lower-cases the whole first word; PROTOCOL.md says the first letter. Same text on this data.
        for (Split split : Split.values()) {
            for (Example e : load("copa", split)) {
                for (String cand : e.candidates()) {
                    String[] words = cand.split(" ", -1);
                    String mezoFirst = words[0].equals("I") ? words[0] : words[0].toLowerCase(Locale.ROOT);
                    assertTrue(cand.startsWith(mezoFirst), e.id() + ": " + cand);
                }
            }
        }
    }

    @Test
    void everyBuiltInPromptIsWellFormed() {
        for (String task : List.of("sst2", "rte", "boolq", "wic", "multirc", "copa")) {
            for (Split split : Split.values()) {
                if (!Tasks.byName(task).has(split)) continue;
                for (Example e : load(task, split)) {
                    assertFalse(e.prompt().isBlank(), task + " " + e.id());
                    assertTrue(e.candidates().stream().noneMatch(String::isEmpty), task + " " + e.id());
                }
            }
        }
    }
}
