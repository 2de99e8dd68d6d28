package interop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/slo"
)

// File is one input file: its name (for messages) and its bytes.
type File struct {
	Name string
	Data []byte
}

// document is one YAML document of a file, with its position in the file.
type document struct {
	file  string
	index int // 0-based document index in the file
	root  *yaml.Node
}

// checker collects the problems of the documents it reads.
type checker struct {
	problems []slo.Problem
}

func (c *checker) addf(file string, line int, field, format string, a ...any) {
	c.problems = append(c.problems, slo.Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, a...)})
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &slo.ValidationError{Problems: c.problems}
}

// splitDocuments reads every YAML document of f. An empty document (a
// trailing "---") is skipped.
func (c *checker) splitDocuments(f File) []document {
	if len(f.Data) > slo.MaxSpecFileBytes {
		c.addf(f.Name, 0, "", "the file is %d bytes, more than the %d a spec file may have", len(f.Data), slo.MaxSpecFileBytes)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	var docs []document
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, msg := yamlLine(err.Error())
			c.addf(f.Name, line, "", "%s", msg)
			break
		}
		if len(n.Content) == 0 || (n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null") {
			continue
		}
		docs = append(docs, document{file: f.Name, index: i, root: &n})
	}
	if len(docs) == 0 && len(c.problems) == 0 {
		c.addf(f.Name, 0, "", "no YAML documents")
	}
	return docs
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlLine splits "yaml: line 3: msg" into 3 and "msg".
func yamlLine(m string) (int, string) {
	if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
		n, _ := strconv.Atoi(sm[1])
		return n, sm[2]
	}
	return 0, strings.TrimPrefix(m, "yaml: ")
}

// mapping is the top-level mapping of a document, or nil.
func (d document) mapping() *yaml.Node {
	n := d.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// scalar is the value of a top-level scalar key, or "".
func (d document) scalar(key string) string {
	if v := child(d.mapping(), key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// child is the value of key in mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// decode decodes document d strictly into v: every key must be a field of
// v's type (checked in the node tree, so each unknown field has its line),
// and every value of the field's type. It reports whether v was decoded.
func (c *checker) decode(d document, v any) bool {
	before := len(c.problems)
	c.checkKnown(d.file, d.mapping(), reflect.TypeOf(v), "")
	if len(c.problems) > before {
		return false
	}
	if err := d.root.Decode(v); err != nil {
		var te *yaml.TypeError
		msgs := []string{err.Error()}
		if errors.As(err, &te) {
			msgs = te.Errors
		}
		for _, m := range msgs {
			line, msg := yamlLine(m)
			c.addf(d.file, line, fieldAtLine(d.root, line), "%s", friendlyYAML(msg))
		}
		return false
	}
	return true
}

var cannotRE = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")

// friendlyYAML says a type error in words.
func friendlyYAML(m string) string {
	sm := cannotRE.FindStringSubmatch(m)
	if sm == nil {
		return m
	}
	want := map[string]string{"float64": "a number", "*float64": "a number", "string": "a string", "bool": "true or false", "*bool": "true or false"}[sm[3]]
	if want == "" {
		want = "a " + strings.TrimPrefix(sm[3], "interop.")
	}
	got := map[string]string{"str": "text", "map": "a mapping", "seq": "a list", "int": "a number", "float": "a number", "bool": "true/false"}[sm[1]]
	if got == "" {
		got = sm[1]
	}
	return fmt.Sprintf("must be %s, got %s %q", want, got, sm[2])
}

// checkKnown reports every mapping key of n that names no field of t
// (following pointers, slices and maps of structs). Fields of type any or
// map[string]any are free-form, as the specs' metricSource.spec is.
func (c *checker) checkKnown(file string, n *yaml.Node, t reflect.Type, field string) {
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, e := range n.Content {
			c.checkKnown(file, e, t.Elem(), fmt.Sprintf("%s[%d]", field, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.checkKnown(file, n.Content[i+1], t.Elem(), join(field, n.Content[i].Value))
		}
	case reflect.Struct:
		if t == reflect.TypeOf(yaml.Node{}) || n.Kind != yaml.MappingNode {
			return
		}
		fields := map[string]reflect.Type{}
		structFields(t, fields)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				c.addf(file, k.Line, join(field, k.Value), "unknown field %q%s", k.Value, suggest(k.Value, fields))
				continue
			}
			c.checkKnown(file, n.Content[i+1], ft, join(field, k.Value))
		}
	}
}

// structFields maps the YAML names of t's fields to their types, with the
// fields of inlined structs.
func structFields(t reflect.Type, fields map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct {
			structFields(f.Type, fields)
			continue
		}
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// suggest names the known field closest to a misspelt one, if any is close.
func suggest(got string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for f := range fields {
		if d := distance(strings.ToLower(got), strings.ToLower(f)); d < bestD || (d == bestD && best != "" && f < best) {
			best, bestD = f, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// fieldAtLine is the path of the deepest mapping key on line in n.
func fieldAtLine(n *yaml.Node, line int) string {
	best := ""
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, ch := range n.Content {
				walk(ch, p)
			}
		case yaml.SequenceNode:
			for i, ch := range n.Content {
				walk(ch, fmt.Sprintf("%s[%d]", p, i))
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				kp := join(p, n.Content[i].Value)
				if n.Content[i].Line == line {
					best = kp
				}
				walk(n.Content[i+1], kp)
			}
		}
	}
	if line > 0 {
		walk(n, "")
	}
	return best
}

// lineOf is the line of the key at the dotted field path in document d
// (indices as [i]), or of its nearest existing parent.
func (d document) lineOf(field string) int {
	n := d.mapping()
	if n == nil {
		return 0
	}
	line := n.Line
	for _, part := range strings.Split(field, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			v := (*yaml.Node)(nil)
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == name {
						line, v = n.Content[i].Line, n.Content[i+1]
					}
				}
			}
			if v == nil {
				return line
			}
			n = v
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return line
}
