package webhook

import (
	"encoding/json"
	"fmt"
)

// bitbucketCloudPush is the part of Bitbucket Cloud's repo:push event
// Tiphys reads (https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/#Push).
type bitbucketCloudPush struct {
	Push struct {
		Changes []struct {
			New *struct {
				Type   string `json:"type"`
				Name   string `json:"name"`
				Target struct {
					Hash string `json:"hash"`
				} `json:"target"`
			} `json:"new"`
		} `json:"changes"`
	} `json:"push"`
	Repository struct {
		FullName string `json:"full_name"`
		Links    struct {
			HTML struct {
				Href string `json:"href"`
			} `json:"html"`
		} `json:"links"`
	} `json:"repository"`
}

// parseBitbucketCloud reads a Bitbucket Cloud push: every ref it moved
// (Argo CD reads the first), no changed files (Bitbucket lists none), no
// default branch.
func parseBitbucketCloud(body []byte) (*Push, error) {
	var p bitbucketCloudPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read bitbucket push: %w", err)
	}
	push := &Push{Provider: BitbucketCloud, URLs: nonEmpty(p.Repository.Links.HTML.Href), AllFiles: true}
	for _, c := range p.Push.Changes {
		if c.New == nil { // a deleted ref
			continue
		}
		push.Refs = append(push.Refs, Ref{Name: c.New.Name, Tag: c.New.Type == "tag"})
		push.Commit = c.New.Target.Hash
	}
	return push, nil
}

// bitbucketServerPush is the part of Bitbucket Server's (Data Center's)
// repo:refs_changed event Tiphys reads.
type bitbucketServerPush struct {
	Repository struct {
		Links struct {
			Clone []struct {
				Href string `json:"href"`
				Name string `json:"name"`
			} `json:"clone"`
		} `json:"links"`
	} `json:"repository"`
	Changes []struct {
		Ref struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"ref"`
		RefID  string `json:"refId"`
		ToHash string `json:"toHash"`
	} `json:"changes"`
}

// parseBitbucketServer reads a Bitbucket Server push: its clone URLs
// (HTTP and SSH), every ref it changed, no changed files.
func parseBitbucketServer(body []byte) (*Push, error) {
	var p bitbucketServerPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read bitbucket server push: %w", err)
	}
	push := &Push{Provider: BitbucketServer, AllFiles: true}
	for _, l := range p.Repository.Links.Clone {
		push.URLs = append(push.URLs, nonEmpty(l.Href)...)
	}
	for _, c := range p.Changes {
		id := c.Ref.ID
		if id == "" {
			id = c.RefID
		}
		if id == "" {
			continue
		}
		push.Refs = append(push.Refs, ParseRef(id))
		push.Commit = c.ToHash
	}
	return push, nil
}
