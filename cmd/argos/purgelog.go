package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/kycgo/argos"
)

// Events of the purge log.
const (
	evRun      = "run"      // a purge starts: how many candidates, how many listed outside the filters
	evOutside  = "outside"  // listed by the server but outside the filters: never touched
	evDeleting = "deleting" // written before the DELETE is sent
	evDeleted  = "deleted"  // the API confirmed the deletion
	evGone     = "gone"     // deleted, but not confirmed by this call's answer: the API said it does not exist, or the answer was lost and a lookup shows it deleted
	evFailed   = "failed"   // the deletion failed; the submission may still hold personal data
	evEnd      = "end"      // the purge ended: its totals
)

// logEntry is one line of the purge log (JSON Lines).
type logEntry struct {
	Time  string `json:"time"`
	Event string `json:"event"`
	ID    string `json:"submission_id,omitempty"`
	Error string `json:"error,omitempty"`
	// Who ran what, against which API, on run lines: for an auditor.
	Filters    *logFilters `json:"filters,omitempty"`
	Admin      string      `json:"admin,omitempty"`
	BaseHost   string      `json:"base_host,omitempty"`
	CLIVersion string      `json:"cli_version,omitempty"`
	OSUser     string      `json:"os_user,omitempty"`
	// What a partial deletion erases (purge --fields), on run lines.
	Fields     []argos.PartialField `json:"fields,omitempty"`
	DataFields []argos.DataField    `json:"data_fields,omitempty"`
	// Totals, on run and end lines.
	Candidates  *int  `json:"candidates,omitempty"`
	Outside     *int  `json:"outside,omitempty"`
	Deleted     *int  `json:"deleted,omitempty"`
	Gone        *int  `json:"gone,omitempty"`
	Failed      *int  `json:"failed,omitempty"`
	NotStarted  *int  `json:"not_started,omitempty"`
	Interrupted *bool `json:"interrupted,omitempty"`
}

// logFilters are the filters a purge was given, on its run line. The
// email is masked as in the tables: the log never holds applicants' data.
type logFilters struct {
	Until string `json:"until"`
	From  string `json:"from,omitempty"`
	User  string `json:"user,omitempty"`
	Email string `json:"email,omitempty"`
	Limit int    `json:"limit,omitempty"`
}

// newRunLine returns the run line of a purge: its filters, --admin, the
// base URL's host, the CLI's version and the OS user who ran it.
func newRunLine(a *app, o *purgeOpts, f *filters) logEntry {
	host := ""
	if u, err := url.Parse(a.baseURL()); err == nil {
		host = u.Host
	}
	return logEntry{
		Event: evRun,
		Filters: &logFilters{Until: o.until, From: f.from, User: f.userID(), Email: mask(piiEmail, f.emailAddr()),
			Limit: f.limit},
		Admin: o.admin, BaseHost: host, CLIVersion: buildVersion().String(), OSUser: osUser(a.getenv),
	}
}

// osUser names the account that runs the tool: the OS's record of it, else
// $USER or $USERNAME, else "unknown".
func osUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "USERNAME"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}

// purgeLog appends entries to the log file, one write per line, so a line
// is in the file (the kernel's page cache) as soon as write returns, even if
// the process dies right after. A goroutine syncs it to disk every
// syncEvery, off the workers' path, and close syncs it a last time.
// Entries never hold applicants' data: IDs, events and the SDK's error
// messages only.
type purgeLog struct {
	now func() time.Time
	f   *os.File

	mu  sync.Mutex
	err error // the first write or sync error; later writes are refused

	stop   chan struct{}
	synced chan struct{}
}

const syncEvery = 100 * time.Millisecond

// openPurgeLog opens the log to append to, creating it with mode 0600. It
// refuses a symbolic link (O_NOFOLLOW) and anything but a regular file,
// and makes an existing log the owner's alone.
func openPurgeLog(name string, now func() time.Time) (*purgeLog, error) {
	f, err := openPrivate(name, "the purge log", os.O_WRONLY|os.O_CREATE|os.O_APPEND)
	if err != nil {
		return nil, err
	}
	l := &purgeLog{f: f, now: now, stop: make(chan struct{}), synced: make(chan struct{})}
	go l.syncLoop()
	return l, nil
}

func (l *purgeLog) syncLoop() {
	defer close(l.synced)
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if err := l.f.Sync(); err != nil {
				l.fail(fmt.Errorf("syncing the purge log: %w", err))
				return
			}
		}
	}
}

func (l *purgeLog) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
	}
}

// write appends e, stamped with the time.
func (l *purgeLog) write(e logEntry) error {
	e.Time = l.now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("writing the purge log: %w", err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if _, err := l.f.Write(b); err != nil {
		l.err = fmt.Errorf("writing the purge log: %w", err)
		return l.err
	}
	return nil
}

// close syncs and closes the log and returns the first error met.
func (l *purgeLog) close() error {
	close(l.stop)
	<-l.synced
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.f.Sync()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if l.err != nil {
		return l.err
	}
	if err != nil {
		return fmt.Errorf("closing the purge log: %w", err)
	}
	return nil
}

func intp(n int) *int { return &n }
