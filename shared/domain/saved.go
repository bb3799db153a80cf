package domain

import (
	"fmt"
	"strings"
	"time"
)

// LinkedUsers returns the store's users whose Promob link is to promobUser
// (the userId of a Promob webhook), in the order of links, whatever the
// link's state: an expired link still says who the person is.
func LinkedUsers(links []PromobLink, promobUser string) []string {
	promobUser = strings.TrimSpace(promobUser)
	if promobUser == "" {
		return nil
	}
	var out []string
	for _, l := range links {
		if strings.EqualFold(strings.TrimSpace(l.PromobUser), promobUser) {
			out = append(out, l.UserID)
		}
	}
	return out
}

// SavedNotifications returns what a Promob save of env (now outdated at
// env.PromobRevision) tells its people, one notification each, no one
// twice: the users linked to the Promob user who saved (savers), the
// environment's creator, and, once it is converted, the reviewer who
// started its review. The reviewer is told that the environment changed
// during its review (action review_environment); the others that it waits
// for an update (update_environment, or update_assistance for an
// assistance's design). Each is once-only per user and revision.
func SavedNotifications(env Environment, savers []string, now time.Time) []Notice {
	reviewer := ""
	if env.ConvertedVersion > 0 && env.Kind != EnvKindAssistance {
		reviewer = env.ReviewStartedBy
	}
	var (
		out  []Notice
		seen = map[string]bool{"": true}
	)
	for _, u := range append(append(append([]string{}, savers...), env.CreatedBy), reviewer) {
		if seen[u] {
			continue
		}
		seen[u] = true
		n := outdatedNotification(env, now)
		if u == reviewer {
			n = reviewChangedNotification(env, now)
		}
		out = append(out, Notice{
			StoreID: env.StoreID, UserID: u, Notification: n,
			DedupeKey: fmt.Sprintf("saved#%s#%d", env.ID, env.PromobRevision),
		})
	}
	return out
}

func outdatedNotification(env Environment, now time.Time) Notification {
	latest := "nothing is imported yet"
	if env.LatestVersion > 0 {
		latest = fmt.Sprintf("version %d has revision %d", env.LatestVersion, env.ImportedRevision)
	}
	n := Notification{
		ID: NewID(), Kind: "environment.outdated", CreatedAt: now.UTC(),
		Title:   fmt.Sprintf("%s was changed in Promob", env.Name),
		Message: fmt.Sprintf("Revision %d is waiting to be imported (%s). Update the environment.", env.PromobRevision, latest),
		Action:  &Action{Type: "update_environment", ProjectID: env.ProjectID, EnvironmentID: env.ID},
	}
	if env.Kind == EnvKindAssistance {
		n.Kind = "assistance.outdated"
		n.Message = fmt.Sprintf("Revision %d of the assistance's design is waiting to be imported (%s). Update the assistance.", env.PromobRevision, latest)
		n.Action = &Action{Type: "update_assistance", ProjectID: env.ProjectID, AssistanceID: env.ID}
	}
	return n
}

func reviewChangedNotification(env Environment, now time.Time) Notification {
	return Notification{
		ID: NewID(), Kind: "environment.review_changed", CreatedAt: now.UTC(),
		Title:   fmt.Sprintf("%s changed in Promob during its review", env.Name),
		Message: fmt.Sprintf("Revision %d was saved after version %d was converted. Update the environment and review the changes.", env.PromobRevision, env.ConvertedVersion),
		Action:  &Action{Type: "review_environment", ProjectID: env.ProjectID, EnvironmentID: env.ID},
	}
}
