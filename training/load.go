package training

import (
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

// Limits of a plan file, checked before it is parsed (see
// docs/CONVENTIONS.md, "Configuration limits"). A file beyond one is
// refused with a *org.ValidationError whose field names the file: code
// org.CodeTooLong for bytes and lines, org.CodeRange for the nesting, and
// a message naming the limit and the actual value. A host raises (or
// lowers) them for its own files with [LoadPlanWith] and
// [LoadPlanFileWith].
const (
	// MaxPlanBytes is the largest plan file: 1 MiB.
	MaxPlanBytes = 1 << 20
	// MaxPlanLines is the most lines of a plan file.
	MaxPlanLines = 20_000
	// MaxPlanDepth is the deepest nesting of mappings and lists in a plan
	// file; a plan nests 4 levels.
	MaxPlanDepth = 32
)

// MaxPlanCourses is the most courses of a plan: [PlanFile.Validate] and
// [Service.SavePlan] refuse more (code org.CodeTooLong at "courses"),
// wherever the plan comes from; a host cannot raise it. A course's ID,
// which sessions and records name it by, has at most 64 characters.
const MaxPlanCourses = 200

// LoadLimits bound a plan file before it is parsed, for [LoadPlanWith]
// and [LoadPlanFileWith]. A field of 0 or less keeps its default
// (MaxPlanBytes, MaxPlanLines, MaxPlanDepth); a message about a limit set
// here names it (training.LoadLimits.Bytes). MaxPlanCourses holds
// whatever these are.
type LoadLimits struct {
	// Bytes is the largest file, in bytes.
	Bytes int
	// Lines is the most lines.
	Lines int
	// Depth is the deepest nesting of mappings and lists.
	Depth int
}

func (lim LoadLimits) options() config.Options {
	return planFileOptions.WithLimits(
		config.Limits{Bytes: MaxPlanBytes, Lines: MaxPlanLines, Depth: MaxPlanDepth},
		config.LimitNames{Bytes: "training.MaxPlanBytes", Lines: "training.MaxPlanLines", Depth: "training.MaxPlanDepth"},
		config.Limits(lim), "training.LoadLimits")
}

// LoadPlanFile reads the plan in the file at path: see [LoadPlan], with
// path as the name. A file larger than MaxPlanBytes is refused by its size
// before it is read. A file that cannot be read gives the error of os,
// wrapped.
func LoadPlanFile(path string) (*PlanFile, error) {
	return LoadPlanFileWith(path, LoadLimits{})
}

// LoadPlanFileWith is [LoadPlanFile] with the limits lim.
func LoadPlanFileWith(path string, lim LoadLimits) (*PlanFile, error) {
	opt := lim.options()
	data, err := config.ReadFile(path, opt)
	if err != nil {
		return nil, err
	}
	return loadPlan(path, data, opt)
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
// syntax error stops the reading; YAML gives its line only. Data beyond
// the limits (MaxPlanBytes, MaxPlanLines, MaxPlanDepth) is refused before
// it is parsed, with that problem only. It never panics.
func LoadPlan(name string, data []byte) (*PlanFile, error) {
	return LoadPlanWith(name, data, LoadLimits{})
}

// LoadPlanWith is [LoadPlan] with the limits lim.
func LoadPlanWith(name string, data []byte, lim LoadLimits) (*PlanFile, error) {
	return loadPlan(name, data, lim.options())
}

func loadPlan(name string, data []byte, opt config.Options) (*PlanFile, error) {
	var f PlanFile
	if err := config.Load(name, data, &f, func() error { return f.Validate() }, opt); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate reports every problem of the plan at once: nil, or a
// *org.ValidationError (Op "training: plan") naming each bad field by its
// JSON path ("year", "courses[2].assessment.excellent"). The rules are
// exactly those [Service.SavePlan] checks before it reads anything: a year
// 2000 to 2200; 1 to 200 courses (MaxPlanCourses; more are one problem
// and are not checked one by one), each with a unique ID, a title, a known
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
	if len(in.Courses) <= MaxPlanCourses {
		checkCourses(in.Courses, ve)
	}
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
