package main

import (
	"context"
	"fmt"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "list", summary: "list submissions, newest first", run: runList})
}

// runList prints the submissions matching the filters, up to --limit.
func runList(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	f := addFilters(fs, filterOpts{from: true, to: true, requestType: true, limit: 50})
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	p, err := f.params()
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	var subs []*argos.Submission
	for s, err := range c.AllSubmissions(ctx, p) {
		if err != nil {
			return fmt.Errorf("listing submissions: %w", err)
		}
		subs = append(subs, s)
		if f.limit > 0 && len(subs) == f.limit {
			break
		}
	}
	return a.printSubmissions(subs, listColumns)
}
