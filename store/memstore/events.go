package memstore

import (
	"slices"

	"github.com/servicelane/servicelane/org"
)

// eventChunk is how many events one chunk of a tenant's audit trail holds.
const eventChunk = 1024

// eventLog is a tenant's audit trail: its events in Seq order, in chunks of
// eventChunk. Appending never moves an event that is already stored (only
// the first chunk grows, up to eventChunk, as a small tenant's slice would),
// so a long trail costs neither a copy of itself nor a new large array as it
// grows. Seqs are contiguous from 1: the event of Seq s is at position s-1.
type eventLog struct {
	chunks [][]org.Event
	n      int
	// bySubject lists the positions of each subject's events, in Seq order.
	bySubject map[string][]int32
}

// appendEvents assigns the next Seqs and keeps copies.
func (t *tenant) appendEvents(evs []org.Event) {
	for _, ev := range evs {
		t.seq++
		ev.Seq = t.seq
		ev.Data = slices.Clone(ev.Data)
		t.events.add(ev)
	}
}

func (l *eventLog) add(ev org.Event) {
	k := len(l.chunks) - 1
	if k < 0 || len(l.chunks[k]) == eventChunk {
		l.chunks = append(l.chunks, nil)
		k++
		if k > 0 {
			l.chunks[k] = make([]org.Event, 0, eventChunk)
		}
	}
	c := l.chunks[k]
	if len(c) == cap(c) {
		// Only the first chunk grows: 8, 16, ... up to eventChunk.
		grown := make([]org.Event, len(c), min(max(2*cap(c), 8), eventChunk))
		copy(grown, c)
		c = grown
	}
	l.chunks[k] = append(c, ev)
	if l.bySubject == nil {
		l.bySubject = map[string][]int32{}
	}
	at := l.bySubject[ev.Subject]
	if at == nil {
		at = make([]int32, 0, 4)
	}
	l.bySubject[ev.Subject] = append(at, int32(l.n))
	l.n++
}

// at is the event at position i (0 <= i < l.n), in place.
func (l *eventLog) at(i int) *org.Event {
	return &l.chunks[i/eventChunk][i%eventChunk]
}

// bySeq is the position of the event of Seq seq, or -1.
func (l *eventLog) bySeq(seq int64) int {
	if seq < 1 || seq > int64(l.n) {
		return -1
	}
	i := int(seq - 1)
	if l.at(i).Seq != seq {
		return -1 // cannot happen: Seqs are contiguous from 1
	}
	return i
}

// after copies the events after Seq after, at most limit of them (all when
// limit is negative), each with its own Data.
func (l *eventLog) after(after int64, limit int) []org.Event {
	from := 0
	if after > 0 {
		from = int(min(after, int64(l.n)))
	}
	n := l.n - from
	if limit >= 0 {
		n = min(n, limit)
	}
	out := make([]org.Event, n)
	for k := range out {
		out[k] = *l.at(from + k)
		out[k].Data = slices.Clone(out[k].Data)
	}
	return out
}

// subject copies the events of subject, in Seq order, each with its own
// Data.
func (l *eventLog) subject(subject string) []org.Event {
	at := l.bySubject[subject]
	out := make([]org.Event, len(at))
	for k, i := range at {
		out[k] = *l.at(int(i))
		out[k].Data = slices.Clone(out[k].Data)
	}
	return out
}
