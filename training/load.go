package training

import (
	"fmt"
	"os"

	"github.com/servicelane/servicelane/internal/config"
	"github.com/servicelane/servicelane/org"
)

// How a plan file is read: by internal/config, the strict YAML and JSON
// loader that billing reads a price book with and appraisal a KPI plan.
// It reports every problem at once with its file, line, column and field
// path, and reads decimals (hours, pass_mark, excellent) from their text
// (1.5 or "1.5"), never through float64. The file holds the same courses
// SavePlan takes, and is checked by the same rules.

// planFileOptions are the plan file's rules for the loader. A decimal's
// text is short enough to parse at once, with at most 32 digits before
// and after the point, so comparing two never builds a huge number; both
// limits hold again for the decimal written back as text, so a plan saved
// as JSON loads again.
var planFileOptions = config.Options{
	Op:             "training: load plan",
	Noun:           "training plan",
	MaxDecimalText: 100,
	DecimalExample: "1.5",
	DecimalRange:   config.DigitLimit(32),
}

// PlanFile is an annual training plan (R5.1) as a file holds it: the year
// and its courses, each with its content (R5.2), method (R5.3), month,
// hours, target and assessment (R5.4). [PlanFile.Input] turns it into what
// [Service.SavePlan] takes.
type PlanFile struct {
	Year    int      `json:"year" yaml:"year"`
	Courses []Course `json:"courses" yaml:"courses"`
}

// LoadPlanFile reads the plan in the file at path: see [LoadPlan], with
// path as the name. A file that cannot be read gives the error of
// os.ReadFile, wrapped.
func LoadPlanFile(path string) (*PlanFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("training: load plan: %w", err)
	}
	return LoadPlan(path, data)
}

// LoadPlan decodes a plan file from data and validates it. name is the
// file name: its extension chooses the format (.json is JSON; .yaml, .yml
// and anything else YAML, which reads JSON too), and it starts the path of
// every problem.
//
// It returns the plan when it is valid. Otherwise it returns a
// *org.ValidationError (Op "training: load plan") that lists every problem
// at once, in file order: syntax, unknown or repeated fields, wrong types
// and every problem of [PlanFile.Validate], each FieldError.Path naming
// the file, line, column and field, as in
// "plans/2027.yaml:14:7: courses[1].assessment.pass_mark". A problem of a
// field not written in the file is placed at its nearest parent that is. A
// syntax error stops the reading; YAML gives its line only. It never
// panics.
func LoadPlan(name string, data []byte) (*PlanFile, error) {
	var f PlanFile
	if err := config.Load(name, data, &f, func() error { return f.Validate() }, planFileOptions); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate reports every problem of the plan at once: nil, or a
// *org.ValidationError (Op "training: plan") naming each bad field by its
// JSON path ("year", "courses[2].assessment.excellent"). The rules are
// exactly those [Service.SavePlan] checks before it reads anything: a year
// 2000 to 2200; 1 to 200 courses, each with a unique ID, a title, a known
// category (R5.2) and method (R5.3), an internal course's instructor and
// an external one's provider, a month, hours above 0 and at most 1000, a
// target, and an assessment (R5.4) of a known kind and counting, with a
// pass mark above 0 and at most 100, an excellent mark from the pass mark
// to 100, 1 to 10 attempts and a retake window of 1 to 365 days.
func (f *PlanFile) Validate() error {
	if f == nil {
		ve := &org.ValidationError{Op: "training: plan"}
		ve.Add("", org.CodeRequired, "no plan")
		return ve
	}
	in := f.Input("")
	ve := shape("plan", in)
	checkCourses(in.Courses, ve)
	return ve.Err()
}

// Input is the plan as [Service.SavePlan] takes it, with its own copy of
// the courses. reason is required to change an approved plan, and audited.
func (f *PlanFile) Input(reason string) PlanInput {
	in := PlanInput{Year: f.Year, Reason: reason}
	if f.Courses != nil {
		in.Courses = make([]Course, len(f.Courses))
		for i, c := range f.Courses {
			in.Courses[i] = c.Clone()
		}
	}
	return in
}
