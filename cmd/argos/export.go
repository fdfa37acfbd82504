package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{
		name: "export", summary: "write every matching submission to a JSON Lines or CSV file (resumable)", run: runExport,
	})
}

// export is one run of "argos export".
type export struct {
	a      *app
	client *argos.Client
	params argos.ListSubmissionsParams
	limit  int64
	path   string
	format string
	// csvRaw writes CSV cells as they are, without defusing formulas.
	csvRaw bool
	file   *os.File
	rows   rowWriter
	state  resumeState
	prog   *progress
}

// runExport writes every submission matching the filters to the -o file, a
// page at a time: each page is written, flushed and synced before the
// resume state (FILE.resume) records it, so an interrupted export continues
// with --resume from the last page it finished.
func runExport(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet(apiFlags)
	f := addFilters(flags, filterOpts{from: true, to: true, requestType: true, limit: 0})
	out := flags.String("o", "", "output `FILE`: .jsonl or .ndjson for JSON Lines, .csv for CSV")
	resume := flags.Bool("resume", false, "continue the interrupted export of FILE from FILE.resume")
	force := flags.Bool("force", false, "replace FILE if it exists (without it an existing FILE is refused), and start over an interrupted export to it")
	csvRaw := flags.Bool("csv-raw", false, "write CSV cells as they are: without it a cell starting with = + - @ or a tab or CR gets a ' before it, so a spreadsheet does not run it as a formula")
	if _, err := a.parse(flags, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-o FILE is required")
	}
	if *resume && *force {
		return usagef("give one of --resume and --force")
	}
	format, err := formatOf(*out)
	if err != nil {
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
	if *csvRaw && format != "csv" {
		return usagef("--csv-raw is for .csv files")
	}
	e := &export{a: a, client: c, params: *p, limit: int64(f.limit), path: *out, format: format, csvRaw: *csvRaw}
	e.state.Filters = fingerprint(format, a.showPII, *csvRaw, f)
	if err := e.open(*resume, *force); err != nil {
		return err
	}
	err = e.run(ctx)
	if cerr := e.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing the export: %w", cerr)
	}
	if err != nil {
		return fmt.Errorf("export stopped after %s (continue with --resume): %w", count(e.state.Count, "submission"), err)
	}
	if err := os.Remove(e.statePath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the resume state: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]any{"file": e.path, "format": e.format, "count": e.state.Count})
	}
	_, err = fmt.Fprintf(a.stdout, "exported %s to %s\n", count(e.state.Count, "submission"), e.path)
	return err
}

// formatOf picks the export format from the file name's extension.
func formatOf(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return "jsonl", nil
	case ".csv":
		return "csv", nil
	}
	return "", usagef("-o FILE must end in .jsonl, .ndjson or .csv")
}

func (e *export) statePath() string { return e.path + ".resume" }

// open creates the output file (mode 0600; an existing one is refused
// unless force, which replaces it), or with resume reopens it at the end of
// the last page the saved state records (cutting off any part of a page
// written after it). Nothing has been sent yet: a refusal costs no request.
func (e *export) open(resume, force bool) error {
	saved, err := loadResumeState(e.statePath())
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case resume && err != nil:
		return usagef("nothing to resume: %s does not exist", e.statePath())
	case !resume && !force && err == nil:
		return usagef("%s exists: an export to this file was interrupted; continue it with --resume, or delete %s to start over",
			e.statePath(), e.statePath())
	case resume && saved.Filters != e.state.Filters:
		return usagef("the filters, format, --show-pii or --csv-raw differ from those of the interrupted export")
	}
	if !resume {
		f, err := createPrivate(e.path, force)
		if err != nil {
			return err
		}
		e.file = f
		e.rows = newRowWriter(e.format, f, e.a.showPII, e.csvRaw)
		if err := e.rows.header(); err != nil {
			return err
		}
		return e.checkpoint(nil)
	}
	f, err := openPrivate(e.path, "the export", os.O_WRONLY)
	if err != nil {
		return err
	}
	e.file = f
	if fi, err := f.Stat(); err != nil || fi.Size() < saved.Size {
		return errors.New("the export file is shorter than its resume state says; delete it and its .resume file to start over")
	}
	if err := f.Truncate(saved.Size); err != nil {
		return fmt.Errorf("truncating the export to its last complete page: %w", err)
	}
	if _, err := f.Seek(saved.Size, io.SeekStart); err != nil {
		return fmt.Errorf("seeking the export: %w", err)
	}
	e.state = *saved
	e.rows = newRowWriter(e.format, f, e.a.showPII, e.csvRaw)
	return nil
}

// checkpoint flushes and syncs what was written, then saves the state with
// next as the page to continue from.
func (e *export) checkpoint(next *argos.PageKey) error {
	if err := e.rows.flush(); err != nil {
		return err
	}
	if err := e.file.Sync(); err != nil {
		return fmt.Errorf("syncing the export: %w", err)
	}
	size, err := e.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("syncing the export: %w", err)
	}
	e.state.Size, e.state.Next = size, next
	return e.state.save(e.statePath())
}

// run fetches and writes pages until the last one, the limit, or an error.
func (e *export) run(ctx context.Context) error {
	e.prog = e.a.newProgress("exported", e.limit)
	e.prog.resumed(e.state.Count)
	defer e.prog.done()
	if e.state.Done {
		return nil
	}
	p := e.params
	p.Next = e.state.Next
	for {
		if e.limit > 0 {
			p.Count = int(min(int64(p.Count), e.limit-e.state.Count))
		}
		page, err := e.client.ListSubmissions(ctx, &p)
		if err != nil {
			return fmt.Errorf("listing submissions: %w", err)
		}
		n := int64(len(page.Items))
		if e.limit > 0 {
			n = min(n, e.limit-e.state.Count)
		}
		for i := range n {
			if err := e.rows.write(&page.Items[i]); err != nil {
				return err
			}
		}
		e.state.Count += n
		e.prog.add(n)
		next := page.Next
		if next != nil && p.Next != nil && *next == *p.Next {
			return fmt.Errorf("listing submissions: %w", argos.ErrPaginationStalled)
		}
		if next == nil || (e.limit > 0 && e.state.Count >= e.limit) {
			e.state.Done = true
			return e.checkpoint(nil)
		}
		if err := e.checkpoint(next); err != nil {
			return err
		}
		p.Next = next
	}
}
