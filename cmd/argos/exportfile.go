package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kycgo/argos"
)

// rowWriter writes submissions to an export file in one format.
type rowWriter interface {
	header() error
	write(s *argos.Submission) error
	// flush writes everything buffered to the file.
	flush() error
}

func newRowWriter(format string, w io.Writer, showPII, csvRaw bool) rowWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	if format == "csv" {
		return &csvRows{bw: bw, w: csv.NewWriter(bw), showPII: showPII, raw: csvRaw, rec: make([]string, len(allColumns))}
	}
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonRows{bw: bw, enc: enc, showPII: showPII}
}

// jsonRows writes JSON Lines: one submission per line, in the API's field
// names (the JSON of argos.Submission), masked unless showPII.
type jsonRows struct {
	bw      *bufio.Writer
	enc     *json.Encoder
	showPII bool
}

func (j *jsonRows) header() error { return nil }

func (j *jsonRows) write(s *argos.Submission) error {
	if !j.showPII {
		s = maskSubmission(s)
	}
	if err := j.enc.Encode(s); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}

func (j *jsonRows) flush() error {
	if err := j.bw.Flush(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}

// csvRows writes CSV with the columns of allColumns and a header row of
// their csv names, masked unless showPII, and with formulas defused unless
// raw (see defuse).
type csvRows struct {
	bw      *bufio.Writer
	w       *csv.Writer
	showPII bool
	raw     bool
	rec     []string
}

func (c *csvRows) header() error {
	for i, col := range allColumns {
		c.rec[i] = col.csv
	}
	return c.writeRecord()
}

func (c *csvRows) write(s *argos.Submission) error {
	for i, col := range allColumns {
		c.rec[i] = col.value(s, c.showPII)
		if !c.raw {
			c.rec[i] = defuse(c.rec[i])
		}
	}
	return c.writeRecord()
}

// defuse puts a single quote before a cell that a spreadsheet would read as
// a formula: one starting with =, +, -, @, a tab or a carriage return
// (https://owasp.org/www-community/attacks/CSV_Injection). Applicants
// choose their names and, in a plain liveform URL, the custom fields, so
// an export opened in a spreadsheet must not run what they typed. No
// column holds a number that can be negative, so no value is changed that
// should not be.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (c *csvRows) writeRecord() error {
	if err := c.w.Write(c.rec); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}

func (c *csvRows) flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}

// resumeState is the content of FILE.resume: where an interrupted export
// continues.
type resumeState struct {
	Version int `json:"version"`
	// Filters is a fingerprint of the filters, format and --show-pii, so
	// that --resume with other ones is refused (the file holds no emails or
	// user IDs).
	Filters string `json:"filters"`
	// Next is the page to continue from; nil means the first page.
	Next *argos.PageKey `json:"next"`
	// Count is how many submissions the file holds; Size how many of its
	// bytes are complete and synced.
	Count int64 `json:"count"`
	Size  int64 `json:"size"`
	// Done reports that the last page was written.
	Done bool `json:"done,omitempty"`
}

const resumeVersion = 1

// fingerprint hashes what an export's output depends on.
func fingerprint(format string, showPII, csvRaw bool, f *filters) string {
	h := sha256.New()
	for _, v := range []string{format, strconv.FormatBool(showPII), strconv.FormatBool(csvRaw), f.user, f.email, f.from, f.to, f.reqType, strconv.Itoa(f.limit)} {
		h.Write([]byte(strconv.Quote(v)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func loadResumeState(name string) (*resumeState, error) {
	b, err := os.ReadFile(name) //nolint:gosec // next to the file the operator names
	if err != nil {
		return nil, fmt.Errorf("reading the resume state: %w", err)
	}
	var s resumeState
	if err := json.Unmarshal(b, &s); err != nil || s.Version != resumeVersion {
		return nil, fmt.Errorf("the resume state %s is not one this version wrote; delete it to start over", name)
	}
	return &s, nil
}

// save writes the state atomically.
func (s *resumeState) save(name string) error {
	s.Version = resumeVersion
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("saving the resume state: %w", err)
	}
	if err := writeFileAtomic(name, b); err != nil {
		return fmt.Errorf("saving the resume state: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside name, syncs it and
// renames it to name (mode 0600), so name is always either the old or the
// new content.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
