package slo

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong in a spec file.
type Problem struct {
	File    string
	Line    int    // 0 when unknown
	Field   string // dotted path such as slos[1].objective; empty for the file
	Message string
}

// String is "file:line: field: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in every spec file.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	n := "problem"
	if len(lines) != 1 {
		n = "problems"
	}
	return fmt.Sprintf("invalid specs (%d %s):\n  %s", len(lines), n, strings.Join(lines, "\n  "))
}

// fileChecker collects the problems of one file and knows the line of every
// field through the decoded YAML node tree.
type fileChecker struct {
	file     string
	root     *yaml.Node
	problems []Problem
}

// path is a field path: strings for mapping keys, ints for sequence indices.
type path []any

func (p path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch v := e.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

func (p path) with(e ...any) path {
	out := make(path, 0, len(p)+len(e))
	return append(append(out, p...), e...)
}

// line finds the line of a field: its key's line, or the nearest existing parent's.
func (c *fileChecker) line(p path) int {
	n := c.root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	for _, e := range p {
		if n == nil {
			break
		}
		switch v := e.(type) {
		case int:
			if n.Kind != yaml.SequenceNode || v >= len(n.Content) {
				return line
			}
			n = n.Content[v]
			line = n.Line
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == v {
					line = n.Content[i].Line
					next = n.Content[i+1]
					break
				}
			}
			if next == nil {
				return line
			}
			n = next
		}
	}
	return line
}

func (c *fileChecker) addf(p path, format string, a ...any) {
	field := p.String()
	for _, prev := range c.problems {
		if field != "" && prev.Field == field {
			return // one problem a field: the first is the cause
		}
	}
	c.problems = append(c.problems, Problem{File: c.file, Line: c.line(p), Field: field, Message: fmt.Sprintf(format, a...)})
}

var (
	yamlLineRE     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknownRE  = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	yamlCannotRE   = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
	yamlAlreadyRE  = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	yamlTypeNames  = map[string]string{"float64": "a number", "*float64": "a number", "string": "a string", "int": "a whole number", "bool": "true or false", "*bool": "true or false"}
	yamlValueNames = map[string]string{"str": "text", "map": "a mapping", "seq": "a list", "int": "a number", "float": "a number", "bool": "true/false"}
)

// addYAMLError turns a yaml.v3 error into problems with file, line and field.
func (c *fileChecker) addYAMLError(err error) {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	seen := map[Problem]bool{}
	for _, m := range msgs {
		line := 0
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
			m = sm[2]
		}
		m = strings.TrimPrefix(m, "yaml: ")
		field := c.fieldAtLine(line)
		switch {
		case yamlUnknownRE.MatchString(m):
			name := yamlUnknownRE.FindStringSubmatch(m)[1]
			m = fmt.Sprintf("unknown field %q", name)
			if field == "" {
				field = name
			}
		case yamlCannotRE.MatchString(m):
			sm := yamlCannotRE.FindStringSubmatch(m)
			want := yamlTypeNames[sm[3]]
			if want == "" {
				want = sm[3]
			}
			got := yamlValueNames[sm[1]]
			if got == "" {
				got = sm[1]
			}
			m = fmt.Sprintf("must be %s, got %s %q", want, got, sm[2])
		case yamlAlreadyRE.MatchString(m):
			sm := yamlAlreadyRE.FindStringSubmatch(m)
			m = fmt.Sprintf("duplicate key %q (first at line %s)", sm[1], sm[2])
		case m == "document contains excessive aliasing":
			m += ": write the values out instead of repeating aliases"
		}
		p := Problem{File: c.file, Line: line, Field: field, Message: m}
		if seen[p] {
			continue // a node decoded through many aliases has one problem
		}
		seen[p] = true
		c.problems = append(c.problems, p)
	}
}

// fieldAtLine is the path of the deepest mapping key on line.
func (c *fileChecker) fieldAtLine(line int) string {
	if c.root == nil || line == 0 {
		return ""
	}
	var best path
	var walk func(n *yaml.Node, p path)
	walk = func(n *yaml.Node, p path) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, ch := range n.Content {
				walk(ch, p)
			}
		case yaml.SequenceNode:
			for i, ch := range n.Content {
				walk(ch, p.with(i))
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				kp := p.with(k.Value)
				if k.Line == line {
					best = kp
				}
				walk(n.Content[i+1], kp)
			}
		}
	}
	walk(c.root, nil)
	return best.String()
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}
