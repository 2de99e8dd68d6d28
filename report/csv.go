package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Records is a result with a CSV form for tools (-o csv): Export writes its
// machine table instead of the display grids, which stay for table, wide and
// markdown.
type Records interface {
	Records() (*MachineTable, error)
}

// MachineTable is a CSV for tools (docs/csv.md): one header row of unique
// snake_case columns, fixed by the result's type whatever the data, then the
// rows. Ratios are decimals (0.99977), durations seconds, money a plain
// decimal in the currency's minor units with the currency in its own column,
// times RFC 3339 with their offset, booleans true or false, and a missing
// value an empty cell. A table with several kinds of row (Tagged) starts
// every row with the column "table", naming its kind; a row fills its
// kind's columns and leaves the others empty.
type MachineTable struct {
	Columns []string
	Rows    [][]string
}

// Write writes t as CSV. Text cells were escaped (Escape) when added: a
// quoted field could span lines, and CSV is printed too.
func (t *MachineTable) Write(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return fmt.Errorf("could not write csv output: %w", err)
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return fmt.Errorf("could not write csv output: %w", err)
	}
	return nil
}

// TableColumn is the first column of a machine table with several kinds of
// row: the kind.
const TableColumn = "table"

// rowKind is one kind of row of a machine table: its name (the value of
// the table column) and its columns, in order.
type rowKind struct {
	name string
	cols []string
}

// machine builds a MachineTable from kinds of rows. Its header is the union
// of the kinds' columns in the order first named, after the table column
// when there is more than one kind.
type machine struct {
	tagged bool
	cols   []string
	pos    map[string]int
	kinds  map[string][]int
	rows   [][]string
	err    error
}

// newMachine declares the kinds of row of a table; one kind makes a table
// without the table column.
func newMachine(kinds ...rowKind) *machine {
	m := &machine{tagged: len(kinds) > 1, pos: map[string]int{}, kinds: map[string][]int{}}
	if m.tagged {
		m.column(TableColumn)
	}
	for _, k := range kinds {
		if _, dup := m.kinds[k.name]; dup {
			m.err = fmt.Errorf("machine table: kind %q declared twice", k.name)
		}
		var idx []int
		seen := map[string]bool{}
		for _, c := range k.cols {
			if seen[c] || c == TableColumn && m.tagged {
				m.err = fmt.Errorf("machine table: kind %q names column %q twice", k.name, c)
			}
			seen[c] = true
			idx = append(idx, m.column(c))
		}
		m.kinds[k.name] = idx
	}
	return m
}

func (m *machine) column(name string) int {
	if i, ok := m.pos[name]; ok {
		return i
	}
	m.pos[name] = len(m.cols)
	m.cols = append(m.cols, name)
	return len(m.cols) - 1
}

// add appends a row of kind, its values in the kind's column order (see
// machineValue for the types).
func (m *machine) add(kind string, vals ...any) {
	idx, ok := m.kinds[kind]
	if !ok {
		m.err = fmt.Errorf("machine table: unknown kind %q", kind)
		return
	}
	if len(vals) != len(idx) {
		m.err = fmt.Errorf("machine table: kind %q has %d columns, given %d values", kind, len(idx), len(vals))
		return
	}
	row := make([]string, len(m.cols))
	if m.tagged {
		row[0] = kind
	}
	for i, v := range vals {
		s, err := machineValue(v)
		if err != nil {
			m.err = fmt.Errorf("machine table: %s.%s: %w", kind, m.cols[idx[i]], err)
			return
		}
		row[idx[i]] = s
	}
	m.rows = append(m.rows, row)
}

// table is the table built, or the first mistake in building it.
func (m *machine) table() (*MachineTable, error) {
	if m.err != nil {
		return nil, m.err
	}
	return &MachineTable{Columns: m.cols, Rows: m.rows}, nil
}

// amount is an amount of money in a currency: written rounded to the
// currency's minor units (half away from zero, as the tables round).
type amount struct {
	v   float64
	cur string
}

// optAmount is an amount, or no value when v is nil.
func optAmount(v *float64, cur string) any {
	if v == nil {
		return nil
	}
	return amount{*v, cur}
}

// minutesAsSeconds is a duration given in minutes, written in seconds; no value when
// nil.
func minutesAsSeconds(m *float64) any {
	if m == nil {
		return nil
	}
	return *m * 60
}

// optBool is a boolean, or no value when b is nil.
func optBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// optTime is a time in loc, or no value when t is zero.
func optTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc)
}

// machineValue writes a value for tools: nil and nil pointers are empty; a
// string is escaped (Escape); numbers are decimals without exponent or
// grouping, NaN and infinities empty; an amount has its currency's minor
// units; a time is RFC 3339 with its offset; a boolean true or false.
func machineValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return Escape(x), nil
	case float64:
		return decimal(x), nil
	case *float64:
		if x == nil {
			return "", nil
		}
		return decimal(*x), nil
	case int:
		return strconv.Itoa(x), nil
	case *int:
		if x == nil {
			return "", nil
		}
		return strconv.Itoa(*x), nil
	case *int64:
		if x == nil {
			return "", nil
		}
		return strconv.FormatInt(*x, 10), nil
	case bool:
		return strconv.FormatBool(x), nil
	case *bool:
		if x == nil {
			return "", nil
		}
		return strconv.FormatBool(*x), nil
	case time.Time:
		if x.IsZero() {
			return "", nil
		}
		return x.Format(time.RFC3339), nil
	case amount:
		if !finite(x.v) {
			return "", nil
		}
		dec := currencyDecimals(x.cur)
		scale := math.Pow10(dec)
		r := math.Round(x.v*scale) / scale // half away from zero
		return strconv.FormatFloat(r+0, 'f', dec, 64), nil
	}
	return "", fmt.Errorf("no machine form for %T", v)
}

// decimal is f as the shortest decimal that reads back as f, without
// exponent; NaN and infinities are empty.
func decimal(f float64) string {
	if !finite(f) {
		return ""
	}
	return strconv.FormatFloat(f+0, 'f', -1, 64) // +0 turns -0 into 0
}
