package argos

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// v3Messages are the documented error texts of the v3 management
// endpoints: PATCH /submission, PUT /submission/image, migration, review,
// the token pool, AML and FaceAuth.
var v3Messages = []string{
	"API-Key is required", "The project is not found", "Decryption is Failed. Please check the api-key",
	"Data Processing Error", "data parsing error. please check input data", "submissionId is required",
	"projectId or x-api-key is required", "admin is required", "At least one property to modify is required",
	"Fail to parse the input data", "Cannot find project info",
	"At least one image parameter is required", "The idType is required when submit idImage or idBackImage",
	"Invalid IdType", "Failed to put image", "Failed to complete migration", "Project not found",
	"Access denied. The admin is not registered in the project", "Submission Id is required",
	"Invalid Submission Id", "Only submissions in pending status can be reviewed",
	"This submission cannot be reviewed by client", "Invalid status", "Invalid data format",
	"Reject comment is required", "Cannot find submission", "Fail to search AML", "Invalid AML Threshold",
	"Data parsing error. Please check input data",
}

// templateMessage matches the migration page's messages that name a
// parameter ("invalid parameter: {parameter}", "invalid format:
// ${parameter}"): a field name, never a value.
var templateMessage = regexp.MustCompile(`^invalid (parameter|format): [A-Za-z_][A-Za-z0-9_.]{0,63}$`)

func documentedTemplate(msg string) bool { return templateMessage.MatchString(strings.TrimSpace(msg)) }

// isV3 matches the sentinels of the v3 management endpoints' errors (text
// is the lower-cased code and message).
func (e *APIError) isV3(target error, text string) bool {
	if e.StatusCode != http.StatusBadRequest {
		return false
	}
	switch {
	case errors.Is(target, ErrInvalidAPIKey):
		return strings.Contains(text, "api-key is required") || strings.Contains(text, "x-api-key is required") ||
			strings.Contains(text, "decryption is failed")
	case errors.Is(target, ErrNotPending):
		return strings.Contains(text, "only submissions in pending status")
	case errors.Is(target, ErrInvalidAdmin):
		return strings.Contains(text, "invalid_admin") || strings.Contains(text, "invalid admin") ||
			strings.Contains(text, "admin is required") || strings.Contains(text, "admin is not registered")
	case errors.Is(target, ErrNotFound):
		return strings.Contains(text, "invalid_submission") || strings.Contains(text, "invalid submission") ||
			strings.Contains(text, "cannot find submission")
	}
	return false
}
