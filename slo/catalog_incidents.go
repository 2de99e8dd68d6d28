package slo

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	pathpkg "path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// incidentFiles resolves the incident_files of a tiers file (c.file):
// each entry is a path or a glob relative to the tiers file's directory
// (an absolute path stays as it is). A literal path that does not exist
// is a problem; a glob may match nothing.
func incidentFiles(fsys fs.FS, c *fileChecker, entries []string) []string {
	var out []string
	dir := filepath.Dir(c.file)
	if fsys != nil {
		dir = pathpkg.Dir(c.file)
	}
	for i, e := range entries {
		p := path{"incident_files", i}
		if strings.TrimSpace(e) == "" {
			c.addf(p, "empty path: give an incidents file (YAML or CSV) relative to this file, or a glob such as incidents/*.yaml")
			continue
		}
		full := e
		if !isAbs(fsys, e) {
			full = joinPath(fsys, dir, e)
		}
		var matches []string
		var err error
		if fsys == nil {
			matches, err = filepath.Glob(full)
		} else {
			matches, err = fs.Glob(fsys, full)
		}
		if err != nil {
			c.addf(p, "invalid glob %q: %v", e, err)
			continue
		}
		if len(matches) == 0 && !hasMeta(e) {
			c.addf(p, "incidents file %q not found (looked for %s)", e, full)
			continue
		}
		for _, m := range matches {
			switch strings.ToLower(filepath.Ext(m)) {
			case ".yaml", ".yml", ".csv":
				out = append(out, m)
			default:
				if !hasMeta(e) {
					c.addf(p, "incidents file %q: unknown format: use a .yaml, .yml or .csv file", e)
				}
			}
		}
	}
	return out
}

func isAbs(fsys fs.FS, p string) bool {
	if fsys == nil {
		return filepath.IsAbs(p)
	}
	return pathpkg.IsAbs(p)
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

// LoadIncidentsFS is LoadIncidents reading file from fsys (nil: the
// operating system's files).
func LoadIncidentsFS(fsys fs.FS, file string, cat *Catalog) ([]IncidentRecord, error) {
	if fsys == nil {
		return LoadIncidents(file, cat)
	}
	data, err := readLimited(fsys, file, MaxIncidentsFileBytes)
	var tooLarge *TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, &ValidationError{Problems: []Problem{{File: file,
			Message: fmt.Sprintf("the file is %s, the most an incidents file may have: keep a file per quarter and give the one of the period", err)}}}
	}
	if err != nil {
		return nil, fmt.Errorf("could not read incidents file %q: %w", file, err)
	}
	return parseIncidents(file, data, cat)
}

// DefaultIncidents reads the catalog's incidents files (IncidentFiles, from
// FS), each checked as LoadIncidents checks it, except that records of
// services the catalog does not define are left out (the specs loaded may
// be a subset of those the files were written for) and counted in ignored.
// Records of one service that overlap across files are a problem.
func (c *Catalog) DefaultIncidents() (recs []IncidentRecord, ignored int, err error) {
	files := slices.Clone(c.IncidentFiles)
	sort.Strings(files)
	files = slices.Compact(files)
	known := map[string]bool{}
	for _, s := range c.Services {
		known[s.Name] = true
	}
	for _, f := range files {
		data, err := readLimited(c.FS, f, MaxIncidentsFileBytes)
		if err != nil {
			// The same messages as LoadIncidentsFS.
			_, err = LoadIncidentsFS(c.FS, f, c)
			return nil, 0, err
		}
		// The catalog the file is checked against: the specs' services and
		// those the file names, so that an unknown service is left out
		// rather than refused.
		wide := &Catalog{Services: slices.Clone(c.Services)}
		for _, name := range namedServices(f, data) {
			if !known[name] {
				wide.Services = append(wide.Services, Service{Name: name})
			}
		}
		rs, err := parseIncidents(f, data, wide)
		if err != nil {
			return nil, 0, err
		}
		for _, r := range rs {
			if known[r.Service] {
				recs = append(recs, r)
			} else {
				ignored++
			}
		}
	}
	if err := overlapsAcrossFiles(recs); err != nil {
		return nil, 0, err
	}
	return recs, ignored, nil
}

// namedServices are the services an incidents file names, read leniently
// (parseIncidents reports what is malformed).
func namedServices(file string, data []byte) []string {
	var out []string
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv":
		rows, _ := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		for i, r := range rows {
			if i > 0 && len(r) > 0 {
				out = append(out, strings.TrimSpace(r[0]))
			}
		}
	default:
		var spec struct {
			Incidents []struct {
				Service string `yaml:"service"`
			} `yaml:"incidents"`
		}
		_ = yaml.Unmarshal(data, &spec)
		for _, i := range spec.Incidents {
			out = append(out, i.Service)
		}
	}
	return out
}

// overlapsAcrossFiles refuses records of one service from different files
// whose spans overlap (within a file, parseIncidents already refuses them).
func overlapsAcrossFiles(recs []IncidentRecord) error {
	byStart := slices.Clone(recs)
	sort.SliceStable(byStart, func(i, j int) bool { return byStart[i].Start.Before(byStart[j].Start) })
	latest := map[string]IncidentRecord{}
	var problems []Problem
	for _, b := range byStart {
		a, ok := latest[b.Service]
		if ok && b.Start.Before(a.End) && a.File != b.File {
			problems = append(problems, Problem{File: b.File, Line: b.Line, Field: b.field + "start",
				Message: fmt.Sprintf("overlaps the %s incident at %s:%d: keep it in one file", a.Service, a.File, a.Line)})
		}
		if !ok || b.End.After(a.End) {
			latest[b.Service] = b
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return &ValidationError{Problems: problems}
	}
	return nil
}
