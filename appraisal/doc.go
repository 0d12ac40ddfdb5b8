// Package appraisal scores the monthly appraisal of rule R6: a weighted KPI
// score from self, supervisor, customer and peer ratings (R6.3) and from
// measured business figures (R6.1), with grades, the bonus that follows
// the score (R6.4), and a breakdown that shows how every score was made
// (R1.3: the same inputs always give the same score).
//
// # Plans
//
// A [Plan] is a dealer's configuration: KPIs whose weights sum to 100, each
// fed by sources with their own weights; rating scales per source, curves
// that turn measured figures into points, grade bands, and the bonus table.
// [DefaultPlan] ships the five KPI areas of R6.1.
//
// # Scoring
//
// [Score] is pure and exact: the score is carried as an exact fraction
// from every input to the end and rounded once, half up, to the plan's
// places (shown inputs and points keep 16 digits). A month with nothing to
// score has no grade, and so is no fail. A
// source without input is never counted as zero: it is dropped and the
// others' weights shared out, or the KPI is marked incomplete, as the plan
// says, and the result says which happened. Peer ratings count only from
// the plan's minimum number of raters, optionally without the highest and
// lowest; the result never shows who rated what.
//
// # The monthly cycle
//
// [Service] runs a dealer month (R6.2): [Service.OpenCycle] with a plan
// (loaded with [LoadPlanFile], checked by [Plan.Validate]) and deadlines
// per source; [Service.Rate] takes ratings only from whom R6.3 allows (self
// by the employee, supervisor by the roster's supervisor, peers by the
// other advisors of the department, customers through the host), once per
// rater and KPI; [Service.ScoreMonth] scores every advisor with the
// [Measurer]'s figures, ranks them and counts consecutive failing months;
// [Service.Calibrate] sets a final score with a reason, keeping the
// computed one; [Service.Finalize] makes results immutable and
// [Service.Reopen] undoes it only with a reason, audited;
// [Service.RecordImprovement] and [Service.FollowUp] keep the interview and
// improvement plan after a fail (R6.4).
package appraisal
