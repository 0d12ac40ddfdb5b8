// Package training runs rule R5: the supervisor's annual training plan
// (R5.1) of courses by content (R5.2) and method (R5.3), the sessions that
// run them with enrolment, waitlist and attendance, the assessment that
// ends every session (R5.4) with its consequences (commendation, retake
// 補考 within a window, retraining after the last failed attempt), career
// notes, goals and certificates (R5.5), and the reports and the
// appraisal.Measurer that feed the monthly appraisal (R6).
//
// As in every servicelane package, [Service] holds the rules and a small
// [Store] persists records carrying DealerID and Version; every command
// validates the whole input, authorizes the actor against the roster,
// checks the rules and writes its records and one audit event in one
// [Store.Commit]. Time comes from an injected org.Clock.
package training
