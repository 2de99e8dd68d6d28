package report

// interopColumns are the columns of import's mapping report in CSV.
var interopColumns = []string{"direction", "format", "file", "line", "object", "field", "outcome", "target", "reason"}

// Records implements Records: a row per mapping (docs/csv.md); line is
// empty when unknown.
func (r *InteropReport) Records() (*MachineTable, error) {
	m := newMachine(rowKind{"mapping", interopColumns})
	for _, x := range r.Mappings {
		var line *int
		if x.Line > 0 {
			l := x.Line
			line = &l
		}
		m.add("mapping", r.Direction, r.Format, x.File, line, x.Object, x.Field, x.Outcome, x.Target, x.Reason)
	}
	return m.table()
}
