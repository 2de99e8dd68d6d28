// Package report renders nines's results for people and machines: text tables,
// Markdown, CSV and JSON. Domain packages hand it plain tables; the output
// format is chosen once, at the edge, by the command.
package report
