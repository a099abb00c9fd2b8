package dev.smezo.task;

import java.util.List;

/** Where an example's candidates come from: a fixed verbalizer, or fields of each record. */
public sealed interface Candidates {

    /**
     * The same candidates for every example (a verbalizer).
     *
     * @param words       the candidate texts, in label order, exactly as appended after the prompt
     * @param labelValues for task files with {@code label_words}: {@code labelValues.get(i)} is the
     *                    label value (JSON spelling: {@code "1"}, {@code "true"}, {@code "entailment"})
     *                    that selects {@code words.get(i)}. Empty for a plain {@code candidates}
     *                    list, where the label is an index or the candidate's text itself.
     */
    record Fixed(List<String> words, List<String> labelValues) implements Candidates {
        public Fixed {
            words = List.copyOf(words);
            labelValues = List.copyOf(labelValues);
            if (words.isEmpty()) throw new IllegalArgumentException("no candidates");
            if (!labelValues.isEmpty() && labelValues.size() != words.size()) {
                throw new IllegalArgumentException("label values and words differ in number");
            }
        }
    }

    /**
     * Per-example candidates (multiple choice): the texts of {@code fields} in order, or the elements
     * of the array field {@code listField}, each through {@code transforms}; the label is an index.
     */
    record PerExample(List<String> fields, String listField, List<Transform> transforms) implements Candidates {
        public PerExample {
            fields = List.copyOf(fields);
            transforms = List.copyOf(transforms);
            if (fields.isEmpty() == (listField == null)) {
                throw new IllegalArgumentException("give either candidate fields or one list field");
            }
        }
    }
}
