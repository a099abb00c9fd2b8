package dev.smezo.zo;

import java.util.List;

/**
 * What one optimizer step did: enough, with the run seed, to replay it.
 *
 * @param step       the step number
 * @param directions each direction's seed, projected gradient and losses (on a skipped step, those
 *                   evaluated up to the first non-finite one)
 * @param lr         the learning rate of the step
 * @param skipped    true when a loss or g was NaN or infinite: no update was applied
 */
public record StepResult(long step, List<Direction> directions, double lr, boolean skipped) {
    public StepResult {
        directions = List.copyOf(directions);
    }

    /** One seeded direction: g = (lossPlus - lossMinus) / (2 eps). */
    public record Direction(long seed, double g, double lossPlus, double lossMinus) {}

    /** The mean of (L+ + L-) / 2 over the directions: the step's loss estimate. */
    public double loss() {
        double sum = 0;
        for (Direction d : directions) sum += 0.5 * (d.lossPlus() + d.lossMinus());
        return directions.isEmpty() ? Double.NaN : sum / directions.size();
    }
}
