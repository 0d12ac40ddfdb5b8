package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

var _ training.Store = TrainingStore{}

// TrainingStore is the [training.Store] view of a Store: the same database,
// and the same audit trail as the Store's other views, so events committed
// through any of them are numbered from one per-dealer counter. Like
// [AppraisalStore] it is a view because training.Store has a Commit of its
// own.
//
// Plans, sessions, progress and careers are stored whole as JSON documents
// (decimals as exact strings at their own precision, instants in UTC to the
// microsecond) beside the columns their reads select and order on: the
// year, a session's start, a progress' Key and employee.
type TrainingStore struct{ *Store }

// Training returns the training.Store view of s.
func (s *Store) Training() TrainingStore { return TrainingStore{s} }

// Plan returns dealer's plan of year, or an error matching
// org.ErrNotFound.
func (v TrainingStore) Plan(ctx context.Context, dealer org.DealerID, year int) (training.Plan, error) {
	p, err := readDoc[training.Plan](ctx, v.Store,
		`SELECT doc FROM training_plans WHERE dealer_id = ? AND year = ?`, dealer, year)
	if err != nil {
		return training.Plan{}, fmt.Errorf("sqlstore: dealer %s: training plan %d: %w", dealer, year, err)
	}
	return p, nil
}

// Session returns a session, or an error matching org.ErrNotFound.
func (v TrainingStore) Session(ctx context.Context, dealer org.DealerID, id string) (training.Session, error) {
	s, err := readDoc[training.Session](ctx, v.Store,
		`SELECT doc FROM training_sessions WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return training.Session{}, fmt.Errorf("sqlstore: dealer %s: training session %s: %w", dealer, id, err)
	}
	return s, nil
}

// Sessions returns dealer's sessions of year, ordered by start, then ID in
// byte order; never nil.
func (v TrainingStore) Sessions(ctx context.Context, dealer org.DealerID, year int) ([]training.Session, error) {
	sel := newSelection("training_sessions", dealer)
	sel.cond("year = ?", year)
	out, err := readDocs[training.Session](ctx, v.Store, sel, "start_at, id", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: training sessions of %d: %w", dealer, year, err)
	}
	return out, nil
}

// Progress returns the progress records of year of employee, or of
// everyone when employee is empty, ordered by Key in byte order; never
// nil.
func (v TrainingStore) Progress(ctx context.Context, dealer org.DealerID, year int, employee org.EmployeeID) ([]training.Progress, error) {
	sel := newSelection("training_progress", dealer)
	sel.cond("year = ?", year)
	sel.equal("employee", string(employee))
	out, err := readDocs[training.Progress](ctx, v.Store, sel, "key", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: training progress of %d: %w", dealer, year, err)
	}
	return out, nil
}

// Career returns employee's career record, or an error matching
// org.ErrNotFound.
func (v TrainingStore) Career(ctx context.Context, dealer org.DealerID, employee org.EmployeeID) (training.Career, error) {
	c, err := readDoc[training.Career](ctx, v.Store,
		`SELECT doc FROM training_careers WHERE dealer_id = ? AND employee = ?`, dealer, employee)
	if err != nil {
		return training.Career{}, fmt.Errorf("sqlstore: dealer %s: career of %s: %w", dealer, employee, err)
	}
	return c, nil
}

// Careers returns every career record of dealer, ordered by employee in
// byte order; never nil.
func (v TrainingStore) Careers(ctx context.Context, dealer org.DealerID) ([]training.Career, error) {
	out, err := readDocs[training.Career](ctx, v.Store, newSelection("training_careers", dealer), "employee", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: careers: %w", dealer, err)
	}
	return out, nil
}

// Events returns the dealer's audit events with Seq > after, as
// [Store.Events] does: training shares the trail of the other views.
func (v TrainingStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}

// Commit writes c in one transaction: every record and event, or nothing.
// Its events take Seqs from the counter every view of the Store uses.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1, or an instant lies outside the years 1 to 9999. It returns an error
// matching org.ErrConflict when a Version 1 record exists already, or the
// stored Version of a record written with Version n > 1 is not n-1; so does
// a Change holding one record twice, the second write finding the first.
func (v TrainingStore) Commit(ctx context.Context, dealer org.DealerID, c training.Change) error {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := v.trainingRows(ve, dealer, c)
	if err := ve.Err(); err != nil {
		return err
	}
	sortRows(rows)
	return v.commitRows(ctx, dealer, rows, c.Events)
}

// The training tables, written in rank order after appraisal's.
var (
	trainingPlansTable    = &recordTable{30, "training_plans", []string{"year"}, []string{"state", "version", "doc"}}
	trainingSessionsTable = &recordTable{31, "training_sessions", []string{"id"}, []string{"year", "course_id", "start_at", "state", "version", "doc"}}
	trainingProgressTable = &recordTable{32, "training_progress", []string{"key"}, []string{"year", "course_id", "employee", "version", "doc"}}
	trainingCareersTable  = &recordTable{33, "training_careers", []string{"employee"}, []string{"version", "doc"}}
)

// trainingRows checks the records and events of c, recording in ve what
// the store must not or cannot write for dealer, and returns the records
// encoded, not yet sorted.
func (v TrainingStore) trainingRows(ve *org.ValidationError, dealer org.DealerID, c training.Change) []recordRow {
	rows := make([]recordRow, 0, len(c.Plans)+len(c.Sessions)+len(c.Progress)+len(c.Careers))
	for i, p := range c.Plans {
		path := "plans[" + strconv.Itoa(i) + "]"
		what := "training plan " + strconv.Itoa(p.Year)
		checkRecord(ve, path, what, p.DealerID, dealer, p.Version)
		p = p.Clone() // normalised by encodeDoc; the caller's stays as it was
		doc := encodeDoc(ve, path, &p)
		rows = append(rows, recordRow{trainingPlansTable, []string{strconv.Itoa(p.Year)},
			[]any{string(p.State), p.Version, doc}, p.Version, what})
	}
	for i, s := range c.Sessions {
		path := "sessions[" + strconv.Itoa(i) + "]"
		what := "training session " + s.ID
		checkRecord(ve, path, what, s.DealerID, dealer, s.Version)
		s = s.Clone()
		doc := encodeDoc(ve, path, &s)
		rows = append(rows, recordRow{trainingSessionsTable, []string{s.ID},
			[]any{s.Year, s.CourseID, v.timeArg(s.Start), string(s.State), s.Version, doc}, s.Version, what})
	}
	for i, p := range c.Progress {
		path := "progress[" + strconv.Itoa(i) + "]"
		what := "training progress " + p.Key()
		checkRecord(ve, path, what, p.DealerID, dealer, p.Version)
		p = p.Clone()
		doc := encodeDoc(ve, path, &p)
		rows = append(rows, recordRow{trainingProgressTable, []string{p.Key()},
			[]any{p.Year, p.CourseID, string(p.Employee), p.Version, doc}, p.Version, what})
	}
	for i, cr := range c.Careers {
		path := "careers[" + strconv.Itoa(i) + "]"
		what := "career of " + string(cr.Employee)
		checkRecord(ve, path, what, cr.DealerID, dealer, cr.Version)
		cr = cr.Clone()
		doc := encodeDoc(ve, path, &cr)
		rows = append(rows, recordRow{trainingCareersTable, []string{string(cr.Employee)},
			[]any{cr.Version, doc}, cr.Version, what})
	}
	checkEvents(ve, dealer, c.Events)
	return rows
}
