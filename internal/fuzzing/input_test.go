package fuzzing_test

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// input turns fuzz bytes into the fields of a command. Every read consumes
// bytes from the front; once they run out every read answers 0, which
// picks the first (valid) choice, so a short input is a valid command and
// the fuzzer grows it into bad ones.
type input struct{ b []byte }

func (in *input) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

// intn is a number in [0, n).
func (in *input) intn(n int) int {
	if n <= 256 {
		return int(in.byte()) % n
	}
	return int(uint16(in.byte())<<8|uint16(in.byte())) % n
}

func (in *input) bool() bool { return in.byte()&1 == 1 }

// raw takes up to n bytes as they are.
func (in *input) raw(n int) string {
	n = min(n, len(in.b))
	s := string(in.b[:n])
	in.b = in.b[n:]
	return s
}

// poisons are what the input policy refuses in text: NUL, bytes that are
// not UTF-8, control characters, line breaks, and characters that are
// fine (a bidi override, CJK, an emoji) to keep the checks honest.
var poisons = []string{"\x00", "\xff", "\xff\xfe\xfd", "\n", "\r\n", "\t", "\x1b[31m", "\a", "\u202e", "\u0085", "名", "😀", " ", "\xc3", "\xed\xa0\x80"}

// lengths are the sizes around the input policy's bounds.
var lengths = []int{17, 20, 21, 64, 65, 100, 101, 200, 201, 255, 256, 300, 500, 501, 1000, 1001, 2000, 2001, 4001, 8001, 100_000}

// str picks a string: mostly one of choices (the first is the valid
// default), or one spoiled with a poison, raw fuzz bytes, a long run of
// one character, blank or empty.
func (in *input) str(choices ...string) string {
	pick := func() string {
		if len(choices) == 0 {
			return "x"
		}
		return choices[in.intn(len(choices))]
	}
	switch k := in.byte(); {
	case k < 128: // one byte picks a choice, so that a seed is easy to write
		if len(choices) == 0 {
			return "x"
		}
		return choices[int(k)%len(choices)]
	case k < 160:
		s, p := pick(), poisons[in.intn(len(poisons))]
		switch in.intn(3) {
		case 0:
			return s + p
		case 1:
			return p + s
		}
		if len(s) < 2 {
			return s + p
		}
		return s[:len(s)/2] + p + s[len(s)/2:]
	case k < 192:
		return in.raw(in.intn(301))
	case k < 224:
		unit := []string{"a", "名", "\x00", " ", "\xff", "1"}[in.intn(6)]
		n := lengths[in.intn(len(lengths))]
		return strings.Repeat(unit, max(1, n/len(unit)))
	case k < 240:
		return ""
	case k < 255:
		return []string{" ", "\t", "\u3000", "\n", "-"}[in.intn(5)]
	default: // a literal, as lit writes it: three bytes of length, then the bytes
		n := int(in.byte())<<16 | int(in.byte())<<8 | int(in.byte())
		return in.raw(n)
	}
}

// id picks one of the IDs the world has (or a plausible other), else a
// string as str makes it.
func (in *input) id(existing ...string) string { return in.str(existing...) }

// specials are the decimals of the issue and around every bound.
var specials = []string{
	"1", "0", "-1", "0.5", "2", "4", "5", "10", "60", "80", "85", "90", "100", "101", "1000", "1001", "1200",
	"1e30", "1e-30", "-1e30", "-1e-30", "0.00000000000000000001", "1.00000000000000000001", "4.00000000000000000001",
	"12345678901234567890", "123456789012345678901", "99999999999999999999.9999", "100000000000000000000",
	"0.0001", "0.00001", "1.2345", "1.23456", "99.99", "100.001", "100001", "100000", "-0.0001", "0.05", "0.3",
}

// dec picks a decimal: a special, or an int64 coefficient with an
// exponent from -30 to 30.
func (in *input) dec() decimal.Decimal {
	k := in.byte()
	if k == 255 { // a literal, as litDec writes it
		d, err := decimal.NewFromString(in.raw(int(in.byte())))
		if err != nil {
			return decimal.Zero
		}
		return d
	}
	if k < 192 || len(in.b) < 9 {
		return decimal.RequireFromString(specials[int(k)%len(specials)])
	}
	var b [8]byte
	copy(b[:], in.raw(8))
	v := int64(binary.LittleEndian.Uint64(b[:]))
	exp := int32(in.byte()%61) - 30
	return decimal.New(v, exp)
}

// decp is dec, or nil.
func (in *input) decp() *decimal.Decimal {
	if in.byte()%5 == 4 {
		return nil
	}
	d := in.dec()
	return &d
}

// times are now and around it, and the years of the issue: 1, 1900, 9999.
func (in *input) time(now time.Time) time.Time {
	local := time.FixedZone("Taipei", 8*3600)
	day := func(d, h, m int) time.Time {
		y, mo, dd := now.In(local).Date()
		return time.Date(y, mo, dd+d, h, m, 0, 0, local).UTC()
	}
	k := in.byte()
	if k == 255 { // a literal, as litTime writes it
		var b [12]byte
		copy(b[:], in.raw(12))
		sec := int64(binary.BigEndian.Uint64(b[:8]))
		ns := int64(binary.BigEndian.Uint32(b[8:]) % 1e9)
		return time.Unix(sec, ns).UTC()
	}
	switch k % 32 {
	case 0:
		return now.Add(time.Hour)
	case 1:
		return day(1, 10, 0)
	case 2:
		return day(1, 11, 0)
	case 3:
		return day(0, 13, 0)
	case 4:
		return day(0, 14, 0)
	case 5:
		return day(2, 9, 0)
	case 6:
		return day(-1, 10, 0)
	case 7:
		return now
	case 8:
		return now.Add(-time.Hour)
	case 9:
		return now.Add(-24 * time.Hour)
	case 10:
		return time.Time{}
	case 11:
		return time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
	case 12:
		return time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	case 13:
		return time.Date(1900, 3, 1, 10, 0, 0, 0, time.UTC)
	case 14:
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	case 15:
		return time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	case 16:
		return time.Date(1989, 12, 31, 23, 59, 59, 0, time.UTC)
	case 17:
		return time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	case 18:
		return time.Date(2099, 12, 31, 23, 0, 0, 0, time.UTC)
	case 19:
		return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	case 20:
		return day(0, 3, 0) // before opening hours
	case 21:
		return day(0, 23, 30) // after closing
	case 22:
		return day(5, 10, 0) // a Sunday or not
	case 23:
		return day(400, 10, 0) // beyond the booking horizon
	case 24:
		return now.Add(time.Nanosecond)
	case 25:
		return time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	case 26:
		return time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	case 27:
		return time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC)
	default:
		h := int16(in.byte())<<8 | int16(in.byte())
		return now.Add(time.Duration(h) * time.Hour)
	}
}

// month picks a month: this one and its neighbours, then nonsense.
func (in *input) month(valid ...org.Month) org.Month {
	k := in.byte()
	if int(k) < 128 && len(valid) > 0 {
		return valid[int(k)%len(valid)]
	}
	switch k % 8 {
	case 0:
		return org.Month{}
	case 1:
		return org.Month{Year: 2026, Month: 13}
	case 2:
		return org.Month{Year: 1, Month: time.January}
	case 3:
		return org.Month{Year: 1900, Month: time.November}
	case 4:
		return org.Month{Year: 9999, Month: time.December}
	case 5:
		return org.Month{Year: 2026, Month: 0}
	case 6:
		return org.Month{Year: -2026, Month: time.November}
	default:
		return org.Month{Year: int(int16(in.byte())<<8 | int16(in.byte())), Month: time.Month(int8(in.byte()))}
	}
}

// year picks a year: valid ones, then the issue's.
func (in *input) year(valid ...int) int {
	k := in.byte()
	if int(k) < 160 && len(valid) > 0 {
		return valid[int(k)%len(valid)]
	}
	all := []int{0, 1, 1900, 1999, 2000, 2200, 2201, 9999, -1, 1 << 40}
	return all[int(k)%len(all)]
}

// num picks an int: a valid one, a bound, or anything.
func (in *input) num(valid ...int) int {
	k := in.byte()
	if int(k) < 160 && len(valid) > 0 {
		return valid[int(k)%len(valid)]
	}
	all := []int{0, -1, 1, 2, 10, 1000, 1001, 1 << 31, -1 << 40}
	return all[int(k)%len(all)]
}

// version picks an ExpectedVersion: mostly 0 (unchecked), else right,
// stale or absurd.
func (in *input) version() int64 {
	switch in.byte() % 8 {
	case 5:
		return 1
	case 6:
		return 2
	case 7:
		return []int64{-1, 3, 5, 1 << 62}[in.intn(4)]
	}
	return 0
}

// Actors of every world: each role, the host, someone not on the roster,
// one who left, and actors who are not who they say.
var (
	admin = org.Admin("dms")
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang  = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	wu    = org.Actor{ID: "wu", Role: org.RoleTechnician}
	kuo   = org.Actor{ID: "kuo", Role: org.RoleSupervisor}
)

var actors = []org.Actor{
	lin, chen, wu, admin, wang, kuo,
	{ID: "ghost", Role: org.RoleAdvisor},      // not on the roster
	{ID: "li", Role: org.RoleAdvisor},         // left in October
	{ID: "chen", Role: org.RoleSupervisor},    // not chen's role
	{ID: "wu", Role: org.RoleAdvisor},         // not wu's role
	{ID: "lin", Role: org.RoleAdmin},          // an employee claiming admin
	{ID: "", Role: org.RoleAdvisor},           // no one
	{ID: "chen", Role: ""},                    // no role
	{ID: "chen", Role: "foreman"},             // a role no one has
	{ID: "chen\x00", Role: org.RoleAdvisor},   // a NUL
	{ID: "\xff", Role: org.RoleSupervisor},    // not UTF-8
	{ID: "dms", Role: org.RoleAdmin + "\x00"}, // a NUL in the role
}

// actor picks an actor: def for 0, else any of actors or garbage.
func (in *input) actor(def org.Actor) org.Actor {
	k := in.byte()
	if k == 0 {
		return def
	}
	if k < 240 {
		return actors[int(k)%len(actors)]
	}
	return org.Actor{ID: org.EmployeeID(in.str("chen")), Role: org.Role(in.str("advisor", "supervisor", "technician", "admin"))}
}

// dealer picks the world's dealer mostly, else another or garbage.
func (in *input) dealer() org.DealerID {
	if in.byte() < 200 {
		return "d1"
	}
	return org.DealerID(in.str("d2", "d3", "D1", "d1\x00", "\xff", "", "d1 ", "d"))
}

func (in *input) employee(more ...string) org.EmployeeID {
	return org.EmployeeID(in.id(append([]string{"chen", "wang", "lin", "wu", "kuo", "li", "ghost", "huang"}, more...)...))
}
