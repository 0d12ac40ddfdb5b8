package training

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Category is a course's content (R5.2).
type Category string

// Content categories (R5.2).
const (
	CategoryProfessional Category = "professional_knowledge" // vehicle construction, repair technique, fault diagnosis
	CategoryService      Category = "service_skills"         // communication, reception, problem solving
	CategoryRules        Category = "company_rules"          // company rules and culture
)

// Method is how a course is given (R5.3).
type Method string

// Training methods (R5.3).
const (
	MethodInternal Method = "internal" // senior staff or invited experts: names an instructor
	MethodExternal Method = "external" // an outside course: names a provider
	MethodOnline   Method = "online"   // online self-study
)

// AssessmentKind is how a session is assessed (R5.4).
type AssessmentKind string

// Assessment kinds (R5.4).
const (
	KindExam      AssessmentKind = "exam"          // a score against the pass mark
	KindPractical AssessmentKind = "practical"     // a checklist, scored as the share of items done
	KindCase      AssessmentKind = "case_analysis" // a rubric, scored as points over maximum points
)

// Counting says which attempt's score counts for a course: the score
// [Progress.Counted] gives, which reports and the appraisal read (with
// first, a retake never improves it; with average, every attempt weighs
// the same). Passing is per attempt whatever the counting: any passing
// attempt passes the course, which is what a retake (補考) is for; an
// excellent attempt is commended once.
type Counting string

// Countings.
const (
	CountHighest Counting = "highest"
	CountLast    Counting = "last"
	CountFirst   Counting = "first"
	CountAverage Counting = "average"
)

// Assessment configures a course's assessment (R5.4). Scores are 0 to 100.
type Assessment struct {
	Kind      AssessmentKind  `json:"kind" yaml:"kind" validate:"oneof=exam practical case_analysis"`
	PassMark  decimal.Decimal `json:"pass_mark" yaml:"pass_mark"`
	Excellent decimal.Decimal `json:"excellent" yaml:"excellent"`
	// MaxAttempts is the first attempt plus the retakes allowed.
	MaxAttempts int `json:"max_attempts" yaml:"max_attempts" validate:"min=1,max=10"`
	// RetakeWindowDays is how long after a failed attempt the retake may
	// be taken; a retake not taken by then counts as failed.
	RetakeWindowDays int      `json:"retake_window_days" yaml:"retake_window_days" validate:"min=1,max=365"`
	Counts           Counting `json:"counts" yaml:"counts" validate:"oneof=highest last first average"`
}

// Target says who a course is for.
type Target struct {
	AllAdvisors bool             `json:"all_advisors" yaml:"all_advisors"`
	Role        org.Role         `json:"role,omitempty" yaml:"role,omitempty" validate:"max=64"`
	Employees   []org.EmployeeID `json:"employees,omitempty" yaml:"employees,omitempty" validate:"max=500,dive,required,max=64"`
}

// Certificate is what a course grants on a pass, valid for ValidDays (0:
// no expiry).
type Certificate struct {
	Name      string `json:"name" yaml:"name" validate:"notblank,max=200"`
	ValidDays int    `json:"valid_days" yaml:"valid_days" validate:"min=0,max=36500"`
}

// Course is one course of an annual plan (R5.1): content, time, method.
type Course struct {
	ID         string          `json:"id" yaml:"id" validate:"required,ident,max=64"`
	Title      string          `json:"title" yaml:"title" validate:"notblank,max=200"`
	Category   Category        `json:"category" yaml:"category" validate:"oneof=professional_knowledge service_skills company_rules"`
	Method     Method          `json:"method" yaml:"method" validate:"oneof=internal external online"`
	Instructor string          `json:"instructor,omitempty" yaml:"instructor,omitempty" validate:"max=200"`
	Provider   string          `json:"provider,omitempty" yaml:"provider,omitempty" validate:"max=200"`
	Month      time.Month      `json:"month" yaml:"month" validate:"min=1,max=12"`
	Hours      decimal.Decimal `json:"hours" yaml:"hours"`
	Target     Target          `json:"target" yaml:"target"`
	Mandatory  bool            `json:"mandatory" yaml:"mandatory"`
	// SelfEnrol lets an employee of the target enrol in a session.
	SelfEnrol   bool         `json:"self_enrol" yaml:"self_enrol"`
	Assessment  Assessment   `json:"assessment" yaml:"assessment"`
	Certificate *Certificate `json:"certificate,omitempty" yaml:"certificate,omitempty"`
}

// Targets reports whether the course is for e.
func (c Course) Targets(e org.Employee) bool {
	t := c.Target
	return (t.AllAdvisors && e.Role == org.RoleAdvisor) || (t.Role != "" && e.Role == t.Role) || slices.Contains(t.Employees, e.ID)
}

// Clone returns a deep copy of c.
func (c Course) Clone() Course {
	c.Target.Employees = slices.Clone(c.Target.Employees)
	if c.Certificate != nil {
		x := *c.Certificate
		c.Certificate = &x
	}
	return c
}

// PlanState is where an annual plan stands.
type PlanState string

// Plan states: a draft is written and changed freely; an approved plan
// still changes, but every change is audited with a reason.
const (
	PlanDraft    PlanState = "draft"
	PlanApproved PlanState = "approved"
)

// Plan is a dealer's annual training plan (R5.1), one per year.
type Plan struct {
	DealerID   org.DealerID   `json:"dealer_id"`
	Year       int            `json:"year"`
	State      PlanState      `json:"state"`
	Courses    []Course       `json:"courses"`
	WrittenBy  org.EmployeeID `json:"written_by"`
	ApprovedBy org.Actor      `json:"approved_by,omitzero"`
	ApprovedAt time.Time      `json:"approved_at,omitzero"`
	// Revision counts the plan's contents: 1 when first written, +1 at
	// every change.
	Revision int   `json:"revision"`
	Version  int64 `json:"version"`
}

// Course returns the plan's course id.
func (p Plan) Course(id string) (Course, bool) {
	i := slices.IndexFunc(p.Courses, func(c Course) bool { return c.ID == id })
	if i < 0 {
		return Course{}, false
	}
	return p.Courses[i], true
}

// maxHours bounds a course's and a session's hours. Never modified.
var maxHours = decimal.NewFromInt(1000)

// Clone returns a deep copy of p.
func (p Plan) Clone() Plan {
	p.Courses = slices.Clone(p.Courses)
	for i := range p.Courses {
		p.Courses[i] = p.Courses[i].Clone()
	}
	return p
}

var hundred = decimal.NewFromInt(100)

// checkCourses checks what tags cannot: amounts, methods' names, targets,
// unique IDs. Paths are courses[i].field.
func checkCourses(cs []Course, ve *org.ValidationError) {
	seen := map[string]bool{}
	for i, c := range cs {
		p := fmt.Sprintf("courses[%d].", i)
		if seen[c.ID] {
			ve.Add(p+"id", org.CodeDuplicate, "course IDs are unique within a plan")
		}
		seen[c.ID] = true
		if !c.Hours.IsPositive() || c.Hours.GreaterThan(maxHours) {
			ve.Add(p+"hours", org.CodeRange, "must be more than 0 and at most 1000")
		}
		switch {
		case c.Method == MethodInternal && c.Instructor == "":
			ve.Add(p+"instructor", org.CodeRequired, "an internal course names its instructor (R5.3)")
		case c.Method == MethodExternal && c.Provider == "":
			ve.Add(p+"provider", org.CodeRequired, "an external course names its provider (R5.3)")
		}
		if !c.Target.AllAdvisors && c.Target.Role == "" && len(c.Target.Employees) == 0 {
			ve.Add(p+"target", org.CodeRequired, "names all advisors, a role or employees")
		}
		a := c.Assessment
		if a.PassMark.IsNegative() || a.PassMark.GreaterThan(hundred) || a.PassMark.IsZero() {
			ve.Add(p+"assessment.pass_mark", org.CodeRange, "must be more than 0 and at most 100")
		}
		if a.Excellent.LessThan(a.PassMark) || a.Excellent.GreaterThan(hundred) {
			ve.Add(p+"assessment.excellent", org.CodeRange, "must be from the pass mark to 100")
		}
	}
}
