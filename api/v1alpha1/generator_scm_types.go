package v1alpha1

// SCMProviderGenerator generates one parameter set per repository (or branch) of an SCM organization.
type SCMProviderGenerator struct {
	// Github options.
	// +optional
	Github *SCMProviderGeneratorGithub `json:"github,omitempty"`
	// Gitlab options.
	// +optional
	Gitlab *SCMProviderGeneratorGitlab `json:"gitlab,omitempty"`
	// Bitbucket (Cloud) options.
	// +optional
	Bitbucket *SCMProviderGeneratorBitbucket `json:"bitbucket,omitempty"`
	// BitbucketServer options.
	// +optional
	BitbucketServer *SCMProviderGeneratorBitbucketServer `json:"bitbucketServer,omitempty"`
	// Gitea options.
	// +optional
	Gitea *SCMProviderGeneratorGitea `json:"gitea,omitempty"`
	// AzureDevOps options.
	// +optional
	AzureDevOps *SCMProviderGeneratorAzureDevOps `json:"azureDevOps,omitempty"`
	// Filters select repositories; a repository passes when any filter matches.
	// +optional
	Filters []SCMProviderGeneratorFilter `json:"filters,omitempty"`
	// CloneProtocol is "ssh" or "https".
	// +optional
	CloneProtocol string `json:"cloneProtocol,omitempty"`
	// RequeueAfterSeconds is the poll interval.
	// +optional
	RequeueAfterSeconds *int64 `json:"requeueAfterSeconds,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// Values are extra parameters.
	// +optional
	Values map[string]string `json:"values,omitempty"`
	// AWSCodeCommit options.
	// +optional
	AWSCodeCommit *SCMProviderGeneratorAWSCodeCommit `json:"awsCodeCommit,omitempty"`
}

// SecretRef is a key of a Secret in the controller's namespace.
type SecretRef struct {
	// SecretName of the Secret.
	SecretName string `json:"secretName"`
	// Key in the Secret.
	Key string `json:"key"`
}

// ConfigMapKeyRef is a key of a ConfigMap in the controller's namespace.
type ConfigMapKeyRef struct {
	// ConfigMapName of the ConfigMap.
	ConfigMapName string `json:"configMapName"`
	// Key in the ConfigMap.
	Key string `json:"key"`
}

// SCMProviderGeneratorGithub scans a GitHub organization.
type SCMProviderGeneratorGithub struct {
	// Organization to scan.
	Organization string `json:"organization"`
	// API URL (default https://api.github.com/).
	// +optional
	API string `json:"api,omitempty"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// AppSecretName names a GitHub App repo-creds Secret.
	// +optional
	AppSecretName string `json:"appSecretName,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
}

// SCMProviderGeneratorGitlab scans a GitLab group.
type SCMProviderGeneratorGitlab struct {
	// Group to scan.
	Group string `json:"group"`
	// IncludeSubgroups scans subgroups too.
	// +optional
	IncludeSubgroups bool `json:"includeSubgroups,omitempty"`
	// API URL.
	// +optional
	API string `json:"api,omitempty"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// IncludeSharedProjects includes projects shared with the group (default true).
	// +optional
	IncludeSharedProjects *bool `json:"includeSharedProjects,omitempty"`
	// Topic filters projects by topic.
	// +optional
	Topic string `json:"topic,omitempty"`
	// CARef is a CA certificate.
	// +optional
	CARef *ConfigMapKeyRef `json:"caRef,omitempty"`
}

// SCMProviderGeneratorBitbucket scans a Bitbucket Cloud workspace.
type SCMProviderGeneratorBitbucket struct {
	// Owner is the workspace.
	Owner string `json:"owner"`
	// User to authenticate as.
	// +optional
	User string `json:"user,omitempty"`
	// AppPasswordRef is the user's app password.
	// +optional
	AppPasswordRef *SecretRef `json:"appPasswordRef,omitempty"`
	// BearerToken authenticates with an access token.
	// +optional
	BearerToken *BearerTokenBitbucketCloud `json:"bearerToken,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
}

// SCMProviderGeneratorBitbucketServer scans a Bitbucket Server project.
type SCMProviderGeneratorBitbucketServer struct {
	// Project to scan.
	Project string `json:"project"`
	// API URL.
	API string `json:"api"`
	// BasicAuth credentials.
	// +optional
	BasicAuth *BasicAuthBitbucketServer `json:"basicAuth,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
	// BearerToken credentials.
	// +optional
	BearerToken *BearerTokenBitbucket `json:"bearerToken,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// CARef is a CA certificate.
	// +optional
	CARef *ConfigMapKeyRef `json:"caRef,omitempty"`
}

// SCMProviderGeneratorGitea scans a Gitea owner.
type SCMProviderGeneratorGitea struct {
	// Owner to scan.
	Owner string `json:"owner"`
	// API URL.
	API string `json:"api"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
}

// SCMProviderGeneratorAzureDevOps scans an Azure DevOps team project.
type SCMProviderGeneratorAzureDevOps struct {
	// Organization to scan.
	Organization string `json:"organization"`
	// API URL (default https://dev.azure.com).
	// +optional
	API string `json:"api,omitempty"`
	// TeamProject to scan.
	TeamProject string `json:"teamProject"`
	// AccessTokenRef is the personal access token.
	AccessTokenRef *SecretRef `json:"accessTokenRef"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
}

// TagFilter matches AWS resource tags.
type TagFilter struct {
	// Key of the tag.
	Key string `json:"key"`
	// Value of the tag.
	// +optional
	Value string `json:"value,omitempty"`
}

// SCMProviderGeneratorAWSCodeCommit scans AWS CodeCommit.
type SCMProviderGeneratorAWSCodeCommit struct {
	// TagFilters select repositories.
	// +optional
	TagFilters []*TagFilter `json:"tagFilters,omitempty"`
	// Role to assume.
	// +optional
	Role string `json:"role,omitempty"`
	// Region to scan.
	// +optional
	Region string `json:"region,omitempty"`
	// AllBranches scans every branch.
	// +optional
	AllBranches bool `json:"allBranches,omitempty"`
}

// SCMProviderGeneratorFilter is a repository filter; all its set fields must match.
type SCMProviderGeneratorFilter struct {
	// RepositoryMatch is a regular expression on the repository name.
	// +optional
	RepositoryMatch *string `json:"repositoryMatch,omitempty"`
	// PathsExist must all exist.
	// +optional
	PathsExist []string `json:"pathsExist,omitempty"`
	// PathsDoNotExist must all be absent.
	// +optional
	PathsDoNotExist []string `json:"pathsDoNotExist,omitempty"`
	// LabelMatch is a regular expression that must match a label.
	// +optional
	LabelMatch *string `json:"labelMatch,omitempty"`
	// BranchMatch is a regular expression on the branch name.
	// +optional
	BranchMatch *string `json:"branchMatch,omitempty"`
}

// BasicAuthBitbucketServer is a username and password.
type BasicAuthBitbucketServer struct {
	// Username to authenticate as.
	Username string `json:"username"`
	// PasswordRef is the password or token.
	PasswordRef *SecretRef `json:"passwordRef"`
}

// BearerTokenBitbucket is a Bitbucket Server bearer token.
type BearerTokenBitbucket struct {
	// TokenRef is the token.
	TokenRef *SecretRef `json:"tokenRef"`
}

// BearerTokenBitbucketCloud is a Bitbucket Cloud bearer token.
type BearerTokenBitbucketCloud struct {
	// TokenRef is the token.
	TokenRef *SecretRef `json:"tokenRef"`
}

// PullRequestGenerator generates one parameter set per open pull request.
type PullRequestGenerator struct {
	// Github options.
	// +optional
	Github *PullRequestGeneratorGithub `json:"github,omitempty"`
	// GitLab options.
	// +optional
	GitLab *PullRequestGeneratorGitLab `json:"gitlab,omitempty"`
	// Gitea options.
	// +optional
	Gitea *PullRequestGeneratorGitea `json:"gitea,omitempty"`
	// BitbucketServer options.
	// +optional
	BitbucketServer *PullRequestGeneratorBitbucketServer `json:"bitbucketServer,omitempty"`
	// Filters select pull requests.
	// +optional
	Filters []PullRequestGeneratorFilter `json:"filters,omitempty"`
	// RequeueAfterSeconds is the poll interval.
	// +optional
	RequeueAfterSeconds *int64 `json:"requeueAfterSeconds,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// Bitbucket (Cloud) options.
	// +optional
	Bitbucket *PullRequestGeneratorBitbucket `json:"bitbucket,omitempty"`
	// AzureDevOps options.
	// +optional
	AzureDevOps *PullRequestGeneratorAzureDevOps `json:"azuredevops,omitempty"`
	// ContinueOnRepoNotFoundError yields no sets instead of an error for a missing repository.
	// +optional
	ContinueOnRepoNotFoundError bool `json:"continueOnRepoNotFoundError,omitempty"`
}

// PullRequestGeneratorGithub lists GitHub pull requests.
type PullRequestGeneratorGithub struct {
	// Owner of the repository.
	Owner string `json:"owner"`
	// Repo name.
	Repo string `json:"repo"`
	// API URL.
	// +optional
	API string `json:"api,omitempty"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// AppSecretName names a GitHub App repo-creds Secret.
	// +optional
	AppSecretName string `json:"appSecretName,omitempty"`
	// Labels that pull requests must have.
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// PullRequestGeneratorGitLab lists GitLab merge requests.
type PullRequestGeneratorGitLab struct {
	// Project ID or path.
	Project string `json:"project"`
	// API URL.
	// +optional
	API string `json:"api,omitempty"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// Labels that merge requests must have.
	// +optional
	Labels []string `json:"labels,omitempty"`
	// PullRequestState filters by state.
	// +optional
	PullRequestState string `json:"pullRequestState,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// CARef is a CA certificate.
	// +optional
	CARef *ConfigMapKeyRef `json:"caRef,omitempty"`
}

// PullRequestGeneratorGitea lists Gitea pull requests.
type PullRequestGeneratorGitea struct {
	// Owner of the repository.
	Owner string `json:"owner"`
	// Repo name.
	Repo string `json:"repo"`
	// API URL.
	API string `json:"api"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// Labels that pull requests must have.
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// PullRequestGeneratorBitbucketServer lists Bitbucket Server pull requests.
type PullRequestGeneratorBitbucketServer struct {
	// Project key.
	Project string `json:"project"`
	// Repo name.
	Repo string `json:"repo"`
	// API URL.
	API string `json:"api"`
	// BasicAuth credentials.
	// +optional
	BasicAuth *BasicAuthBitbucketServer `json:"basicAuth,omitempty"`
	// BearerToken credentials.
	// +optional
	BearerToken *BearerTokenBitbucket `json:"bearerToken,omitempty"`
	// Insecure skips TLS verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// CARef is a CA certificate.
	// +optional
	CARef *ConfigMapKeyRef `json:"caRef,omitempty"`
}

// PullRequestGeneratorBitbucket lists Bitbucket Cloud pull requests.
type PullRequestGeneratorBitbucket struct {
	// Owner is the workspace.
	Owner string `json:"owner"`
	// Repo name.
	Repo string `json:"repo"`
	// API URL.
	// +optional
	API string `json:"api,omitempty"`
	// BasicAuth credentials.
	// +optional
	BasicAuth *BasicAuthBitbucketServer `json:"basicAuth,omitempty"`
	// BearerToken credentials.
	// +optional
	BearerToken *BearerTokenBitbucketCloud `json:"bearerToken,omitempty"`
}

// PullRequestGeneratorAzureDevOps lists Azure DevOps pull requests.
type PullRequestGeneratorAzureDevOps struct {
	// Organization of the repository.
	Organization string `json:"organization"`
	// Project of the repository.
	Project string `json:"project"`
	// Repo name.
	Repo string `json:"repo"`
	// API URL.
	// +optional
	API string `json:"api,omitempty"`
	// TokenRef is the access token.
	// +optional
	TokenRef *SecretRef `json:"tokenRef,omitempty"`
	// Labels that pull requests must have.
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// PullRequestGeneratorFilter is a pull request filter; all its set fields must match.
type PullRequestGeneratorFilter struct {
	// BranchMatch is a regular expression on the source branch.
	// +optional
	BranchMatch *string `json:"branchMatch,omitempty"`
	// TargetBranchMatch is a regular expression on the target branch.
	// +optional
	TargetBranchMatch *string `json:"targetBranchMatch,omitempty"`
	// TitleMatch is a regular expression on the title.
	// +optional
	TitleMatch *string `json:"titleMatch,omitempty"`
}
