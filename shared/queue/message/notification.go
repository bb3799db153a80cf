package message

import "github.com/foccolojas/promob-integration/shared/domain"

// KindNotification is the kind of Notification on the notifications queue.
const KindNotification = "notification"

// Notification asks the notifier to store a notice.
type Notification struct {
	Kind string `json:"kind"`
	domain.Notice
}

// Notify is the message that stores n.
func Notify(n domain.Notice) Notification { return Notification{Kind: KindNotification, Notice: n} }
