package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/servicelane/servicelane/internal/validate"
	"github.com/servicelane/servicelane/org"
)

// The errors of every servicelane package; see package org.
var (
	ErrNotFound          = org.ErrNotFound
	ErrConflict          = org.ErrConflict
	ErrForbidden         = org.ErrForbidden
	ErrInvalid           = org.ErrInvalid
	ErrInvalidTransition = org.ErrInvalidTransition
)

// Roster is what billing needs from the roster: *org.Service has it.
type Roster interface {
	Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error)
	Authorize(ctx context.Context, dealer org.DealerID, actor org.Actor, roles ...org.Role) (org.Employee, error)
}

// Config configures a Service. Store and Roster are required.
type Config struct {
	Store  Store
	Roster Roster
	Clock  org.Clock
	IDs    org.IDSource
	// Series names the numbering series of each document kind; defaults
	// INV, RCP and CRN.
	Series map[DocumentKind]string
	// Digits pads document numbers: 6 gives INV-000042. Zero means 6.
	Digits int
	// Retries bounds how often Settle retries when a concurrent settlement
	// took the next number first; zero means 50.
	Retries int
	// Logger, when set, receives one record per command ([org.Observer]
	// says which, at what level); nil logs nothing.
	Logger *slog.Logger
	// Hook, when set, observes every command: a tracer, metrics (package
	// github.com/servicelane/servicelane/contrib/otel); nil observes
	// nothing.
	Hook org.Hook
}

// Service keeps price books, settles bills into documents with gapless
// numbers, and issues credit notes (R3.4). It is safe for concurrent use.
type Service struct {
	store   Store
	roster  Roster
	clock   org.Clock
	ids     org.IDSource
	series  map[DocumentKind]string
	digits  int
	retries int
	obs     *org.Observer
}

var v = validate.New()

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "billing: new service"}
	if cfg.Store == nil {
		ve.Add("store", org.CodeRequired, "is required")
	}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if cfg.Digits < 0 || cfg.Digits > 12 {
		ve.Add("digits", org.CodeRange, "must be 0 to 12")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, roster: cfg.Roster, clock: cfg.Clock, ids: cfg.IDs, digits: cfg.Digits, retries: cfg.Retries,
		series: map[DocumentKind]string{Invoice: "INV", Receipt: "RCP", CreditNote: "CRN"}, obs: org.NewObserver("billing", cfg.Hook, cfg.Logger)}
	for k, name := range cfg.Series {
		s.series[k] = name
	}
	if s.clock == nil {
		s.clock = org.SystemClock()
	}
	if s.ids == nil {
		s.ids = org.RandomIDs()
	}
	if s.digits == 0 {
		s.digits = 6
	}
	if s.retries == 0 {
		s.retries = 50
	}
	return s, nil
}

// SavePriceBook stores a price book version after validating it, and makes
// it the active one when activate is set. Only a supervisor or an admin may.
// A version once saved cannot change: save a new version instead. The book
// is passed by pointer, as every configuration a loader returns
// (LoadPriceBook), and is copied: the caller's stays theirs.
func (s *Service) SavePriceBook(ctx context.Context, dealer org.DealerID, actor org.Actor, book *PriceBook, activate bool) (_ StoredPriceBook, err error) {
	ctx, ob := s.obs.Begin(ctx, "save_price_book", dealer, actor)
	defer ob.End(&err)
	if err := book.Validate(); err != nil {
		return StoredPriceBook{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return StoredPriceBook{}, err
	}
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return StoredPriceBook{}, fmt.Errorf("billing: save price book: %w", err)
	}
	if book.Currency != d.Currency {
		return StoredPriceBook{}, &org.ValidationError{Op: "billing: save price book", Fields: []org.FieldError{{Path: "currency",
			Code: org.CodeInvalid, Message: fmt.Sprintf("the dealer's currency is %s", d.Currency)}}}
	}
	_, err = s.store.PriceBook(ctx, dealer, book.Version)
	switch {
	case err == nil:
		return StoredPriceBook{}, &org.ValidationError{Op: "billing: save price book", Fields: []org.FieldError{{Path: "version",
			Code: org.CodeDuplicate, Message: "this version is saved already; a saved version never changes"}}}
	case !errors.Is(err, ErrNotFound):
		return StoredPriceBook{}, fmt.Errorf("billing: save price book: %w", err)
	}
	now := org.Now(s.clock)
	sp := StoredPriceBook{DealerID: dealer, Book: book.Clone(), Active: activate, SavedAt: now, SavedBy: actor, Version: 1}
	c := Change{PriceBooks: []StoredPriceBook{sp}}
	if activate {
		old, err := s.store.ActivePriceBook(ctx, dealer)
		switch {
		case err == nil:
			old.Active = false
			old.Version++
			c.PriceBooks = append(c.PriceBooks, old)
		case !errors.Is(err, ErrNotFound):
			return StoredPriceBook{}, fmt.Errorf("billing: save price book: %w", err)
		}
	}
	c.Events = []org.Event{s.event(dealer, actor, now, "pricebook.saved", "pricebook/"+book.Version, "",
		map[string]any{"version": book.Version, "active": activate})}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return StoredPriceBook{}, fmt.Errorf("billing: save price book %s: %w", book.Version, err)
	}
	return sp, nil
}

// ActivePriceBook returns the dealer's active price book. Everyone on the
// roster may read it.
func (s *Service) ActivePriceBook(ctx context.Context, dealer org.DealerID, actor org.Actor) (PriceBook, error) {
	if err := s.reader(ctx, dealer, actor, "active price book", everyone...); err != nil {
		return PriceBook{}, err
	}
	sp, err := s.store.ActivePriceBook(ctx, dealer)
	if err != nil {
		return PriceBook{}, fmt.Errorf("billing: active price book of %s: %w", dealer, err)
	}
	return sp.Book, nil
}

// Price prices an order with the dealer's active price book. Everyone on
// the roster may. The order is an input like any other: before anything
// is read, its text and numbers are held to the one input policy
// (docs/CONVENTIONS.md), as Settle holds its bill: a bad field is a
// *org.ValidationError (Op "billing: price") naming it by its path
// ("jobs[0].parts[0].quantity", code CodeRange for 1e30, CodePlaces for
// five places; CodeFormat, CodeControl for text that is not UTF-8 or has
// a NUL). The order is then checked against the book as [Price] does.
func (s *Service) Price(ctx context.Context, dealer org.DealerID, actor org.Actor, o Order) (Bill, error) {
	ve := &org.ValidationError{Op: "billing: price"}
	for _, p := range v.Struct(o, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	if err := ve.Err(); err != nil {
		return Bill{}, err
	}
	book, err := s.ActivePriceBook(ctx, dealer, actor)
	if err != nil {
		return Bill{}, err
	}
	return Price(&book, o)
}

// Document returns one issued document. It carries the customer's name and
// payments: only the order's advisor, the one who settled it, a supervisor
// or an admin sees it (R7.2d); anyone else is refused with ErrForbidden.
func (s *Service) Document(ctx context.Context, dealer org.DealerID, actor org.Actor, id DocumentID) (Document, error) {
	const op = "document"
	if err := s.reader(ctx, dealer, actor, op, desk...); err != nil {
		return Document{}, err
	}
	d, err := s.store.Document(ctx, dealer, id)
	if err != nil {
		return Document{}, fmt.Errorf("billing: document %s: %w", id, err)
	}
	if !seesAllOrders[actor.Role] && d.IssuedBy != actor {
		st, err := s.store.Settlement(ctx, dealer, d.Settlement)
		if err != nil {
			return Document{}, fmt.Errorf("billing: document %s: %w", id, err)
		}
		if !seesOrder(actor, st.Advisor, st.SettledBy) {
			return Document{}, notYours(op, actor)
		}
	}
	return d, nil
}

// Settlement returns the settlement with an idempotency key: to the
// order's advisor, the one who settled it, a supervisor or an admin
// (R7.2d).
func (s *Service) Settlement(ctx context.Context, dealer org.DealerID, actor org.Actor, key string) (Settlement, error) {
	const op = "settlement"
	if err := s.reader(ctx, dealer, actor, op, desk...); err != nil {
		return Settlement{}, err
	}
	st, err := s.store.Settlement(ctx, dealer, key)
	if err != nil {
		return Settlement{}, fmt.Errorf("billing: settlement %s: %w", key, err)
	}
	if !seesOrder(actor, st.Advisor, st.SettledBy) {
		return Settlement{}, notYours(op, actor)
	}
	return st, nil
}

// Replay returns the settlement with key and its documents for a repeat of
// it (R3.4d): to anyone who may settle (an advisor or a supervisor, as
// [Service.Prepare], which returns the same records for the same key), but
// only when key settled workOrder; otherwise ErrNotFound. It is
// servicedesk's plumbing for a retried SettleBill, not a browse: it needs
// both the key and the order.
func (s *Service) Replay(ctx context.Context, dealer org.DealerID, actor org.Actor, key, workOrder string) (Settlement, []Document, error) {
	const op = "replay"
	if err := s.reader(ctx, dealer, actor, op, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return Settlement{}, nil, err
	}
	st, err := s.store.Settlement(ctx, dealer, key)
	if err != nil {
		return Settlement{}, nil, fmt.Errorf("billing: replay %s: %w", key, err)
	}
	if st.WorkOrder != workOrder || st.Corrects != "" {
		return Settlement{}, nil, fmt.Errorf("billing: replay %s: no settlement of work order %s: %w", key, workOrder, ErrNotFound)
	}
	p, err := s.existing(ctx, dealer, st)
	if err != nil {
		return Settlement{}, nil, err
	}
	return p.Settlement, p.Documents, nil
}

func (s *Service) event(dealer org.DealerID, actor org.Actor, now time.Time, typ, subject, reason string, data any) org.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("billing: marshal event data: %v", err)) // our own types always marshal
	}
	return org.Event{DealerID: dealer, ID: s.ids.NewID(), At: now, Actor: actor, Type: typ, Subject: subject, Reason: reason, Data: raw}
}
