package servicedesk

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// ConsentEvidence is what a customer's consent rests on (R3.2c, R3.3b,
// R3.4): the record California's 16 CCR 3353 asks a dealer to keep of an
// authorisation. Which fields a method needs is [ConsentRules].
type ConsentEvidence struct {
	// Reference points at the signature, the signed document or the
	// message the host keeps: "signatures/wo-1.png", "sms/77".
	Reference string `json:"reference,omitempty" validate:"max=500"`
	// Contact is the number called (phone), the number texted (sms) or the
	// address written to (email).
	Contact string `json:"contact,omitempty" validate:"max=254"`
	// At is when the customer consented (the call, the message); it lies
	// between the order's opening and now.
	At time.Time `json:"at,omitzero"`
	// WorkTold is the work as it was described to the customer.
	WorkTold string `json:"work_told,omitempty" validate:"max=2000"`
	// TotalTold is the total of the work approved in this decision as told
	// to the customer (for an overrun, the total accepted). Zero means not
	// told; when it is given it must equal what is approved.
	TotalTold decimal.Decimal `json:"total_told,omitzero"`
}

// String is the evidence as a document prints it: the reference, the
// number or address, and when (UTC), those that are given, joined.
func (e ConsentEvidence) String() string {
	var parts []string
	for _, p := range []string{e.Reference, e.Contact} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if !e.At.IsZero() {
		parts = append(parts, e.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return strings.Join(parts, ", ")
}

// UnmarshalJSON reads the structured evidence, or the free-text reference
// that approvals stored before evidence had fields: such a string becomes
// the Reference, so older work orders still load.
func (e *ConsentEvidence) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var ref string
		if err := json.Unmarshal(b, &ref); err != nil {
			return err
		}
		*e = ConsentEvidence{Reference: ref}
		return nil
	}
	type plain ConsentEvidence // without this method
	return json.Unmarshal(b, (*plain)(e))
}

// EvidenceField names one field of [ConsentEvidence] that a method may
// require; the names are the fields' JSON names.
type EvidenceField string

// The fields of ConsentEvidence.
const (
	EvidenceReference EvidenceField = "reference"
	EvidenceContact   EvidenceField = "contact"
	EvidenceAt        EvidenceField = "at"
	EvidenceWorkTold  EvidenceField = "work_told"
	EvidenceTotalTold EvidenceField = "total_told"
)

// EvidenceFields lists every field of ConsentEvidence, in order.
func EvidenceFields() []EvidenceField {
	return []EvidenceField{EvidenceReference, EvidenceContact, EvidenceAt, EvidenceWorkTold, EvidenceTotalTold}
}

// ApprovalMethods lists every way a customer can consent.
func ApprovalMethods() []ApprovalMethod {
	return []ApprovalMethod{ApprovalInPerson, ApprovalSignature, ApprovalPhone, ApprovalSMS, ApprovalEmail}
}

// ConsentRules says, per approval method, which evidence fields a consent
// given that way must carry. Every method is listed with at least one
// field: no configuration accepts a consent with no evidence at all.
type ConsentRules map[ApprovalMethod][]EvidenceField

// DefaultConsentRules are what 16 CCR 3353 asks for: in person or signed,
// a signature or document reference; by phone, the number called, the
// date and time, the work and the total as told (the name of who
// consented is the consent's By, always required); by SMS or e-mail, a
// message reference, the number or address, the date and time.
func DefaultConsentRules() ConsentRules {
	return ConsentRules{
		ApprovalInPerson:  {EvidenceReference},
		ApprovalSignature: {EvidenceReference},
		ApprovalPhone:     {EvidenceContact, EvidenceAt, EvidenceWorkTold, EvidenceTotalTold},
		ApprovalSMS:       {EvidenceReference, EvidenceContact, EvidenceAt},
		ApprovalEmail:     {EvidenceReference, EvidenceContact, EvidenceAt},
	}
}

// validate reports in ve, under path, every method missing or unknown and
// every field unknown or repeated.
func (r ConsentRules) validate(ve *org.ValidationError, path string) {
	known := ApprovalMethods()
	for _, m := range known {
		fields, ok := r[m]
		p := path + "." + string(m)
		switch {
		case !ok:
			ve.Add(p, org.CodeRequired, "every approval method needs its evidence listed")
		case len(fields) == 0:
			ve.Add(p, org.CodeTooShort, "a consent must rest on at least one evidence field")
		}
		for i, f := range fields {
			switch {
			case !slices.Contains(EvidenceFields(), f):
				ve.Add(fmt.Sprintf("%s[%d]", p, i), org.CodeUnknown, "must be one of: reference contact at work_told total_told")
			case slices.Contains(fields[:i], f):
				ve.Add(fmt.Sprintf("%s[%d]", p, i), org.CodeDuplicate, "listed twice")
			}
		}
	}
	var unknown []string
	for m := range r {
		if !slices.Contains(known, m) {
			unknown = append(unknown, string(m))
		}
	}
	slices.Sort(unknown)
	for _, m := range unknown {
		ve.Add(path+"."+m, org.CodeUnknown, "no such approval method")
	}
}

// clone copies r so that the caller's map cannot change a running Service.
func (r ConsentRules) clone() ConsentRules {
	out := make(ConsentRules, len(r))
	for m, fs := range r {
		out[m] = slices.Clone(fs)
	}
	return out
}

// Requires reports whether a consent given by method must carry field.
func (r ConsentRules) Requires(method ApprovalMethod, field EvidenceField) bool {
	return slices.Contains(r[method], field)
}

// Contacts whose form the method fixes: a number for phone and SMS, an
// address for e-mail.
type phoneContact struct {
	Contact string `json:"contact" validate:"omitempty,phone"`
}

type emailContact struct {
	Contact string `json:"contact" validate:"omitempty,email"`
}

// checkConsent is the one check of a customer's consent (R3.2c, R3.3b,
// R3.4), shared by [Service.Approve], [Service.DecideSupplement] and
// [Service.ApproveOverrun]. prefix is the JSON path of the consent ("" at
// the top of the input); problems go to ve as prefix+"by" and
// prefix+"evidence.<field>". It checks that by names who consented; that
// ev has every field s's rules require for method, with a contact of the
// method's form; that ev.At, when given, lies between opened (the order's
// opening) and now; and that ev.TotalTold, when given, equals told, what
// the decision actually approves. It returns ev with At in UTC at
// microsecond precision, as it is to be stored.
func (s *Service) checkConsent(ve *org.ValidationError, prefix string, method ApprovalMethod, by string, ev ConsentEvidence,
	told decimal.Decimal, opened, now time.Time) ConsentEvidence {
	if strings.TrimSpace(by) == "" && !slices.ContainsFunc(ve.Fields, func(f org.FieldError) bool { return f.Path == prefix+"by" }) {
		ve.Add(prefix+"by", org.CodeRequired, "the name of who consented is required")
	}
	p := prefix + "evidence."
	need := func(f EvidenceField, missing bool, what string) {
		if missing && s.consent.Requires(method, f) {
			ve.Add(p+string(f), org.CodeRequired, fmt.Sprintf("a consent by %s needs %s (16 CCR 3353)", method, what))
		}
	}
	need(EvidenceReference, strings.TrimSpace(ev.Reference) == "", "a reference to the signature, document or message")
	need(EvidenceContact, strings.TrimSpace(ev.Contact) == "", "the number or address the customer was reached at")
	need(EvidenceAt, ev.At.IsZero(), "the date and time of the consent")
	need(EvidenceWorkTold, strings.TrimSpace(ev.WorkTold) == "", "the work as told to the customer")
	need(EvidenceTotalTold, ev.TotalTold.IsZero() && !told.IsZero(), "the total as told to the customer")
	addProblems(ve, v.Struct(ev, strings.TrimSuffix(p, ".")))
	switch method {
	case ApprovalPhone, ApprovalSMS:
		addProblems(ve, v.Struct(phoneContact{ev.Contact}, strings.TrimSuffix(p, ".")))
	case ApprovalEmail:
		addProblems(ve, v.Struct(emailContact{ev.Contact}, strings.TrimSuffix(p, ".")))
	}
	if !ev.At.IsZero() {
		ev.At = ev.At.UTC().Truncate(time.Microsecond)
		switch {
		case ev.At.After(now):
			ve.Add(p+"at", org.CodeRange, fmt.Sprintf("must not be after now (%s)", now.Format(time.RFC3339)))
		case ev.At.Before(opened):
			ve.Add(p+"at", org.CodeRange, fmt.Sprintf("must not be before the order was opened (%s)", opened.Format(time.RFC3339)))
		}
	}
	if !ev.TotalTold.IsZero() && !ev.TotalTold.Equal(told) {
		ve.Add(p+"total_told", org.CodeInvalid, fmt.Sprintf("the customer was told %s but this decision approves %s: the customer must be told the real total", ev.TotalTold, told))
	}
	return ev
}
