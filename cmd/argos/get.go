package main

import (
	"context"
	"fmt"
)

func init() {
	register(&command{name: "get", args: "ID", summary: "show one submission", run: runGet})
}

// runGet shows one submission: every column of the export as FIELD VALUE
// rows, or the whole submission as JSON.
func runGet(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	s, err := c.GetSubmission(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("getting the submission: %w", err)
	}
	if a.json {
		return a.printJSON(a.forOutput(s))
	}
	t := newTable(a.stdout, "FIELD", "VALUE")
	for _, col := range allColumns {
		t.row(col.header, col.value(s, a.showPII))
	}
	return t.flush()
}
