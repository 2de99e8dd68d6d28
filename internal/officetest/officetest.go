// Package officetest runs LibreOffice for the tests that read a workbook
// back as another program would: recalculated from its formulas, or
// printed to PDF.
package officetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Soffice finds LibreOffice, or skips the test, except where
// NINES_REQUIRE_LIBREOFFICE=1 (scripts/test.sh, CI) demands it.
func Soffice(t testing.TB) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("NINES_REQUIRE_LIBREOFFICE") == "1" {
			t.Fatal("LibreOffice (soffice) is not installed; scripts/test.sh installs libreoffice-calc-nogui")
		}
		t.Skip("LibreOffice (soffice) is not installed; scripts/test.sh installs libreoffice-calc-nogui")
	}
	return soffice
}

// recalcAlways is a LibreOffice profile setting: recalculate every formula
// of an xlsx file on load (its default keeps the cached values).
const recalcAlways = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

// Convert converts file to format (xlsx, pdf) with LibreOffice into a new
// directory, in a profile of its own that recalculates every formula of an
// xlsx file on load, and returns the converted file.
func Convert(t testing.TB, soffice, file, format string) string {
	t.Helper()
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile")
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(recalcAlways), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	msg, err := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+profile,
		"--convert-to", format, "--outdir", out, file).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice failed: %v\n%s", err, msg)
	}
	path := filepath.Join(out, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+"."+format)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no %s from LibreOffice (%v):\n%s", format, err, msg)
	}
	return path
}

// PDFPages counts the pages of a PDF: its /Type /Page objects (LibreOffice
// writes them uncompressed).
func PDFPages(t testing.TB, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(pageObject.FindAll(b, -1))
}

var pageObject = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
