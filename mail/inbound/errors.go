package inbound

import (
	"errors"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail"
)

// Replies the receiver gives. Their text never carries internal detail.
var (
	replyUnknownRcpt = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such recipient here"}
	replyRelay = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "Relaying denied"}
	replyTempFail = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Temporary failure, please try again later"}
)

// smtpReply is the one place errors become SMTP replies: an SMTPError
// stands (552 from the size limit, for instance); an unknown or forged
// recipient is 550 5.1.1; another domain is 550 5.7.1; anything else,
// such as an unreachable or slow database, is 451 4.3.0 so the sender
// retries. reason labels the rejection in metrics and logs.
func smtpReply(err error) (reply *smtp.SMTPError, reason string) {
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se):
		if se.Code == smtp.ErrDataTooLarge.Code {
			return se, "too_large"
		}
		return se, "smtp"
	case errors.Is(err, mail.ErrRelay):
		return replyRelay, "relay"
	case errors.Is(err, mail.ErrUnknownRecipient):
		return replyUnknownRcpt, "unknown_recipient"
	}
	return replyTempFail, "temporary"
}
