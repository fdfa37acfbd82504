package argos

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

func checkAlpha3(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if len(v) != 3 || strings.IndexFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return &ValidationError{Field: field, Reason: "must be an ISO 3166-1 alpha-3 code in capitals, like USA or KOR"}
	}
	return nil
}

func checkDate(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return &ValidationError{Field: field, Reason: "must be a date as YYYY-MM-DD"}
	}
	return nil
}

func checkEmail(v string) error {
	if v == "" {
		return &ValidationError{Field: "Email", Reason: "is required"}
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return &ValidationError{Field: "Email", Reason: "is not a valid email address"}
	}
	return nil
}

// checkID validates an identifier that goes into a query string.
func checkID(field, v string) error {
	if v == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	return checkText(field, v)
}

// checkSegment validates an identifier that becomes one segment of the
// URL's path: as checkID, and neither "." nor "..", which would send the
// request to another route (url.PathEscape leaves dots as they are).
func checkSegment(field, v string) error {
	if v == "." || v == ".." {
		return &ValidationError{Field: field, Reason: "is a dot segment, which names no " + field}
	}
	return checkID(field, v)
}

// checkText refuses absurd lengths, bytes that are not UTF-8 (JSON would
// turn each into U+FFFD, so different values would arrive as one) and
// control characters.
func checkText(field, v string) error {
	if len(v) > 4096 {
		return &ValidationError{Field: field, Reason: "is longer than 4096 bytes"}
	}
	if !utf8.ValidString(v) {
		return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return &ValidationError{Field: field, Reason: "contains control characters"}
	}
	return nil
}

// checkDecision accepts the two statuses a reviewer, an edit or a
// migration may set: approved and rejected.
func checkDecision(field string, s KYCStatus, required bool) error {
	switch {
	case s == "" && !required:
		return nil
	case s == "":
		return &ValidationError{Field: field, Reason: "is required"}
	case s != KYCApproved && s != KYCRejected:
		return &ValidationError{Field: field, Reason: "must be KYCApproved or KYCRejected"}
	}
	return nil
}

// textField is one optional free-text value of a request and its name.
type textField struct{ name, v string }

// checkTexts runs checkText over every value.
func checkTexts(fields ...textField) error {
	for _, f := range fields {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// dateField is one optional YYYY-MM-DD value of a request and its name.
type dateField struct{ name, v string }

// checkDates runs checkDate over every optional date.
func checkDates(fields ...dateField) error {
	for _, f := range fields {
		if err := checkDate(f.name, f.v, false); err != nil {
			return err
		}
	}
	return nil
}

// checkTokenID applies the pool's rules; i is the ID's index, for the error.
func checkTokenID(i int, v string) error {
	field := fmt.Sprintf("token ID %d", i)
	if len(v) < MinTokenIDLen || len(v) > MaxTokenIDLen {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("must be %d to %d bytes long", MinTokenIDLen, MaxTokenIDLen)}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for j := 0; j < len(v); j++ {
		if c := v[j]; !alnum(c) && c != '-' && c != '_' && c != '.' {
			return &ValidationError{Field: field, Reason: "may hold only ASCII letters, digits, '-', '_' and '.'"}
		}
	}
	if !alnum(v[0]) || !alnum(v[len(v)-1]) {
		return &ValidationError{Field: field, Reason: "must start and end with a letter or a digit"}
	}
	return nil
}
