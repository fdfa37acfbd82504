package argos

import (
	"net/mail"
	"strings"
	"time"
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

// checkText refuses control characters and absurd lengths.
func checkText(field, v string) error {
	if len(v) > 4096 {
		return &ValidationError{Field: field, Reason: "is longer than 4096 bytes"}
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return &ValidationError{Field: field, Reason: "contains control characters"}
	}
	return nil
}
