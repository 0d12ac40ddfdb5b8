package org

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// DealerID names a dealer: one dealership rooftop, the tenant every record
// belongs to.
type DealerID string

// EmployeeID names an employee within a dealer.
type EmployeeID string

// Role is what an employee does, and so which commands they may give.
// The built-in roles are those of R2.1; a dealer may configure more
// ([Config.Roles]). RoleAdmin is not an employee role: it is the host system
// or its administrator acting on the roster.
type Role string

// The roles of R2.1, and the host administrator.
const (
	RoleSupervisor Role = "supervisor" // 服務顧問主管: manages, appraises, handles complaints (R2.2)
	RoleAdvisor    Role = "advisor"    // 服務顧問: receives customers, books, tracks, settles (R2.3)
	RoleTechnician Role = "technician" // 維修技師: diagnoses and repairs, in the workshop (R2.1)
	RoleAdmin      Role = "admin"      // the host DMS or its administrator; never an employee
)

// Department groups employees under one supervisor (R2.1).
type Department string

// The departments of R2.1. A dealer may configure more ([Config.Departments]).
const (
	DeptServiceAdvisor Department = "service_advisor" // 服務顧問部門
	DeptWorkshop       Department = "workshop"        // the workshop, where technicians work
)

// Dealer is the tenant: one dealership rooftop with its own time zone and
// currency. Every other record belongs to exactly one Dealer.
type Dealer struct {
	ID   DealerID `json:"id"`
	Name string   `json:"name"`
	// TimeZone is an IANA name such as "Asia/Taipei". Months (R6.2) are
	// counted in it.
	TimeZone string `json:"time_zone"`
	// Currency is the ISO 4217 code of every amount the dealer records.
	Currency string `json:"currency"`
	// Version advances on every write of the dealer and whenever the
	// roster's structure changes (roles, departments, supervisors,
	// activation): the Dealer record guards the rules that span employees,
	// such as one supervisor per department.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Location loads the dealer's time zone.
func (d Dealer) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("org: dealer %s: time zone %q: %w", d.ID, d.TimeZone, err)
	}
	return loc, nil
}

// Employee is one member of staff on a dealer's roster.
type Employee struct {
	DealerID   DealerID   `json:"dealer_id"`
	ID         EmployeeID `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Department Department `json:"department"`
	// SupervisorID is who this employee reports to. Empty means the
	// supervisor of their department ([Service.SupervisorOf]).
	SupervisorID EmployeeID `json:"supervisor_id,omitempty"`
	Email        string     `json:"email,omitempty"`
	Phone        string     `json:"phone,omitempty"`
	// Skills are free labels a dealer uses for matching work: brands,
	// certifications ("EV", "hybrid", "alignment").
	Skills []string `json:"skills,omitempty"`
	// BonusBase is the monthly bonus at a full appraisal score, in the
	// dealer's currency; appraisal scales it by the score (R6.4). Zero
	// means no bonus base is set.
	BonusBase decimal.Decimal `json:"bonus_base"`
	Active    bool            `json:"active"`
	// Version is 1 when created and advances by one on every write.
	Version int64 `json:"version"`
	// CreatedAt is when the employee joined the roster; a month counts an
	// employee from the month they joined ([Employee.InMonth]).
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LeftAt is when the employee was last deactivated (they left); zero
	// while they are active. Reactivating clears it.
	LeftAt time.Time `json:"left_at,omitzero"`
}

// InMonth reports whether e was on the roster at some time in
// [from, before): joined before it ended and, if they left, left after it
// began. A month-end counts the joiners and the leavers of its month.
func (e Employee) InMonth(from, before time.Time) bool {
	if !e.CreatedAt.Before(before) {
		return false
	}
	left := e.LeftAt
	if left.IsZero() {
		left = e.UpdatedAt // deactivated before LeftAt was kept: their last write
	}
	return e.Active || left.After(from)
}

// Clone returns a copy of e that shares no memory with it.
func (e Employee) Clone() Employee {
	e.Skills = slices.Clone(e.Skills)
	return e
}

// Actor is who gives a command, and in which role. Every command names its
// actor; services check the role the rules require against the roster, and
// record the actor in the audit trail.
type Actor struct {
	ID   EmployeeID `json:"id"`
	Role Role       `json:"role"`
}

// Admin is the host system or an administrator acting outside the roster
// (to create a dealer, or the roster's first supervisor). id names the
// host's user for the audit trail.
func Admin(id string) Actor { return Actor{ID: EmployeeID(id), Role: RoleAdmin} }

// As is the actor e acting in their own role.
func As(e Employee) Actor { return Actor{ID: e.ID, Role: e.Role} }

// String writes "advisor:e42".
func (a Actor) String() string { return string(a.Role) + ":" + string(a.ID) }

// ParseActor reads an actor as String writes it, "role:id" ("advisor:e42",
// "admin:dms-sync"): what a host puts in a header, a flag or a token claim.
// Both parts must be there, the role in lower-case letters, digits and
// underscores, the ID printable UTF-8 without spaces or colons, at most 64
// bytes each. It says nothing of whether the actor is on a roster: the
// services check that ([Service.Authorize]).
func ParseActor(s string) (Actor, error) {
	role, id, ok := strings.Cut(s, ":")
	ve := &ValidationError{Op: "org: parse actor"}
	switch {
	case !ok:
		ve.Add("actor", CodeFormat, `must be "role:id", such as "advisor:e42"`)
		return Actor{}, ve
	case role == "":
		ve.Add("actor.role", CodeRequired, "is required")
	case len(role) > 64 || strings.IndexFunc(role, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') }) >= 0:
		ve.Add("actor.role", CodeFormat, "must be lower-case letters, digits and underscores, at most 64")
	}
	switch {
	case id == "":
		ve.Add("actor.id", CodeRequired, "is required")
	case len(id) > 64 || !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool { return r == ':' || unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		ve.Add("actor.id", CodeFormat, "must be printable UTF-8 without spaces or colons, at most 64 bytes")
	}
	if err := ve.Err(); err != nil {
		return Actor{}, err
	}
	return Actor{ID: EmployeeID(id), Role: Role(role)}, nil
}

// MarshalText writes the actor as String does, for headers, flags and map
// keys. JSON keeps the object form {"id","role"} (MarshalJSON).
func (a Actor) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an actor as ParseActor does.
func (a *Actor) UnmarshalText(b []byte) error {
	p, err := ParseActor(string(b))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// actorJSON is Actor's JSON form, without its text methods.
type actorJSON struct {
	ID   EmployeeID `json:"id"`
	Role Role       `json:"role"`
}

// MarshalJSON keeps the object form {"id","role"} that records and events
// store, whatever MarshalText does.
func (a Actor) MarshalJSON() ([]byte, error) { return json.Marshal(actorJSON(a)) }

// UnmarshalJSON reads the object form, or the text form "role:id".
func (a *Actor) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return a.UnmarshalText([]byte(s))
	}
	var j actorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Actor(j)
	return nil
}
