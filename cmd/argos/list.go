package main

import (
	"context"
	"fmt"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "list", summary: "list submissions, newest first", run: runList})
}

// runList prints the submissions matching the filters, up to --limit, and
// says on stderr when more match (the listing goes on past the limit).
func runList(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
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
	if f.limit > 0 {
		// One more than the limit tells whether more match, without a
		// request for the next page when the page size allows it.
		p.Count = min(f.pageSize, f.limit+1)
	}
	var subs []*argos.Submission
	more := false
	for s, err := range c.AllSubmissions(ctx, p) {
		if err != nil && (f.limit == 0 || len(subs) < f.limit) {
			return fmt.Errorf("listing submissions: %w", err)
		}
		if f.limit > 0 && len(subs) == f.limit {
			more = err == nil
			break
		}
		subs = append(subs, s)
	}
	if err := a.printSubmissions(subs, listColumns); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(a.stderr, "argos list: more submissions match than the %d shown: --limit N shows N, --limit 0 all of them\n", f.limit)
	}
	return nil
}
