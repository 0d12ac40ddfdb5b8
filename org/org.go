package org

import (
	"fmt"
	"slices"
	"time"

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
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
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
