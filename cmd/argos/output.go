package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/kycgo/argos"
)

// printJSON writes v as indented JSON without its empty members
// (omitEmpty), with the characters a terminal would act on escaped
// (safeJSON: the values stay exact).
func (a *app) printJSON(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	b, err := omitEmpty(buf.Bytes())
	if err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	buf.Reset()
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := a.stdout.Write(safeJSON(buf.Bytes())); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// forOutput returns s as the output may show it: masked unless --show-pii.
func (a *app) forOutput(s *argos.Submission) *argos.Submission {
	if a.showPII {
		return s
	}
	return maskSubmission(s)
}

// table writes aligned rows under a heading row.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(headers...)
	return t
}

// row writes one row, each value escaped by visible: a tab or a newline
// shows as \t or \n, so a value cannot break the alignment, and no value
// can act on the terminal.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		if i > 0 {
			_, _ = io.WriteString(t.tw, "\t")
		}
		if c == "" {
			c = "-"
		}
		_, _ = io.WriteString(t.tw, visible(c))
	}
	_, _ = io.WriteString(t.tw, "\n")
}

func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// printSubmissions writes submissions as a table of cols, or as a JSON
// array with --json.
func (a *app) printSubmissions(subs []*argos.Submission, cols []*column) error {
	if a.json {
		out := make([]*argos.Submission, len(subs))
		for i, s := range subs {
			out[i] = a.forOutput(s)
		}
		return a.printJSON(out)
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.header
	}
	t := newTable(a.stdout, headers...)
	cells := make([]string, len(cols))
	for _, s := range subs {
		for i, c := range cols {
			cells[i] = c.value(s, a.showPII)
		}
		t.row(cells...)
	}
	return t.flush()
}

// count returns "1 submission" or "n submissions": n and the noun, with an
// s unless n is 1.
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
