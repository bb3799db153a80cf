package samtemplate

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Context is what intrinsics are evaluated against: the stack's identity,
// parameter values and how physical names and queue URLs are decided.
type Context struct {
	StackName string
	Region    string
	AccountID string
	// Parameters overrides the template's parameter values; a parameter not
	// listed takes its Default.
	Parameters map[string]string
	// Physical returns a resource's physical id (table name, queue name, API
	// id, function name) or "" to let the resolver decide: the TableName or
	// QueueName property, else "<stack>-<LogicalId>".
	Physical func(logicalID string) string
	// QueueURL returns the URL of the queue with the given physical name, or ""
	// when it has none. Nil means the cloud's
	// https://sqs.<region>.amazonaws.com/<account>/<name>.
	QueueURL func(name string) string
}

// Resolver evaluates a template's intrinsics against a Context.
type Resolver struct {
	tpl *Template
	ctx Context
	// naming lists the resources whose physical name is being decided, to
	// report a circular reference instead of recursing forever.
	naming []string
}

// Resolver returns a resolver of the template's values for the context. It
// returns an error when the context lacks the stack name, region or account id.
func (t *Template) Resolver(c Context) (*Resolver, error) {
	if c.StackName == "" || c.Region == "" || c.AccountID == "" {
		return nil, fmt.Errorf("samtemplate: context needs StackName, Region and AccountID")
	}
	return &Resolver{tpl: t, ctx: c}, nil
}

// Value evaluates a node: scalars become string, int, bool or float64,
// sequences []any, mappings map[string]any, and intrinsics their value. It
// returns an error for an unknown reference or an unsupported intrinsic.
func (r *Resolver) Value(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, nil
	}
	if name, arg, ok := intrinsic(n); ok {
		return r.intrinsic(name, arg)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := r.Value(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for _, kv := range pairs(n) {
			v, err := r.Value(kv.value)
			if err != nil {
				return nil, err
			}
			out[kv.key] = v
		}
		return out, nil
	case yaml.AliasNode:
		return r.Value(n.Alias)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// String evaluates a node that must yield a scalar and returns it as text. It
// returns an error when the node yields a list or a mapping, or when
// evaluation fails.
func (r *Resolver) String(n *yaml.Node) (string, error) {
	v, err := r.Value(n)
	if err != nil {
		return "", err
	}
	return stringOf(v)
}

// intrinsic reports whether n is an intrinsic function call, in short form
// (!Ref x) or long form ({Ref: x}, {"Fn::GetAtt": …}), and returns its
// long name and its argument node.
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" {
			name = "Fn::" + name
		}
		return name, n, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		key := n.Content[0].Value
		if key == "Ref" || strings.HasPrefix(key, "Fn::") {
			return key, n.Content[1], true
		}
	}
	return "", nil, false
}

func (r *Resolver) intrinsic(name string, arg *yaml.Node) (any, error) {
	switch name {
	case "Ref":
		if arg.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: Ref takes a name", arg.Line)
		}
		if p, ok := r.tpl.Parameters[arg.Value]; ok && p.Type == "CommaDelimitedList" {
			return r.listParameter(arg.Value, p)
		}
		return r.Ref(arg.Value)
	case "Fn::GetAtt":
		res, attr, err := getAttArgs(arg)
		if err != nil {
			return nil, err
		}
		return r.GetAtt(res, attr)
	case "Fn::Sub":
		return r.sub(arg)
	}
	return nil, fmt.Errorf("line %d: unsupported intrinsic %s", arg.Line, name)
}

// getAttArgs reads the "Resource.Attribute" or [Resource, Attribute] argument
// of Fn::GetAtt.
func getAttArgs(arg *yaml.Node) (string, string, error) {
	switch arg.Kind {
	case yaml.ScalarNode:
		res, attr, ok := strings.Cut(arg.Value, ".")
		if ok && res != "" && attr != "" {
			return res, attr, nil
		}
	case yaml.SequenceNode:
		if len(arg.Content) == 2 && arg.Content[0].Kind == yaml.ScalarNode && arg.Content[1].Kind == yaml.ScalarNode {
			return arg.Content[0].Value, arg.Content[1].Value, nil
		}
	}
	return "", "", fmt.Errorf("line %d: Fn::GetAtt takes Resource.Attribute or [Resource, Attribute]", arg.Line)
}

// Ref returns the value of !Ref name: a pseudo parameter, a parameter's
// value, a table's name, a queue's URL, an API's id or another resource's
// physical name. It returns an error when name is none of these.
func (r *Resolver) Ref(name string) (string, error) {
	if v, ok := r.pseudo(name); ok {
		return v, nil
	}
	if p, ok := r.tpl.Parameters[name]; ok {
		return r.parameter(name, p)
	}
	res, ok := r.tpl.Resources[name]
	if !ok {
		return "", fmt.Errorf("Ref %s: no such parameter or resource", name)
	}
	switch res.Type {
	case "AWS::SQS::Queue":
		qname, err := r.PhysicalName(name)
		if err != nil {
			return "", err
		}
		return r.queueURL(qname)
	default:
		return r.PhysicalName(name)
	}
}

func (r *Resolver) pseudo(name string) (string, bool) {
	switch name {
	case "AWS::StackName":
		return r.ctx.StackName, true
	case "AWS::Region":
		return r.ctx.Region, true
	case "AWS::AccountId":
		return r.ctx.AccountID, true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	case "AWS::Partition":
		return "aws", true
	}
	return "", false
}

func (r *Resolver) parameter(name string, p Parameter) (string, error) {
	v, ok := r.ctx.Parameters[name]
	if !ok {
		if p.Default == nil {
			return "", fmt.Errorf("parameter %s has no value and no Default", name)
		}
		v = *p.Default
	}
	if len(p.AllowedValues) > 0 && !slices.Contains(p.AllowedValues, v) {
		return "", fmt.Errorf("parameter %s: %q is not one of %v", name, v, p.AllowedValues)
	}
	return v, nil
}

// listParameter returns the value of a CommaDelimitedList parameter as the
// list !Ref of it yields: its comma-separated values, trimmed.
func (r *Resolver) listParameter(name string, p Parameter) ([]any, error) {
	v, err := r.parameter(name, p)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, s := range strings.Split(v, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out, nil
}

func (r *Resolver) queueURL(name string) (string, error) {
	if r.ctx.QueueURL == nil {
		return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", r.ctx.Region, r.ctx.AccountID, name), nil
	}
	if u := r.ctx.QueueURL(name); u != "" {
		return u, nil
	}
	return "", fmt.Errorf("queue %s has no URL", name)
}

// PhysicalName returns the physical id of a resource: what Context.Physical
// says, else the TableName or QueueName property of tables and queues, else a
// generated API id for HTTP APIs, else "<stack>-<LogicalId>" (with ".fifo"
// for unnamed FIFO queues). It returns an error for an unknown resource or a
// name that cannot be evaluated.
func (r *Resolver) PhysicalName(logicalID string) (string, error) {
	res, ok := r.tpl.Resources[logicalID]
	if !ok {
		return "", fmt.Errorf("no resource %s", logicalID)
	}
	if r.ctx.Physical != nil {
		if v := r.ctx.Physical(logicalID); v != "" {
			return v, nil
		}
	}
	if slices.Contains(r.naming, logicalID) {
		return "", fmt.Errorf("circular reference in the name of %s", logicalID)
	}
	sub := *r
	sub.naming = append(slices.Clip(r.naming), logicalID)
	generated := r.ctx.StackName + "-" + logicalID
	switch res.Type {
	case "AWS::DynamoDB::Table":
		return sub.namedOr(child(res.Properties, "TableName"), generated)
	case "AWS::SQS::Queue":
		fifo, err := sub.boolProperty(res.Properties, "FifoQueue")
		if err != nil {
			return "", fmt.Errorf("%s: %w", logicalID, err)
		}
		if fifo {
			generated += ".fifo"
		}
		return sub.namedOr(child(res.Properties, "QueueName"), generated)
	case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
		return apiID(r.ctx.StackName, logicalID), nil
	}
	return generated, nil
}

func (r *Resolver) namedOr(n *yaml.Node, generated string) (string, error) {
	if n == nil {
		return generated, nil
	}
	return r.String(n)
}

func (r *Resolver) boolProperty(props *yaml.Node, key string) (bool, error) {
	n := child(props, key)
	if n == nil {
		return false, nil
	}
	s, err := r.String(n)
	if err != nil {
		return false, err
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not a boolean", key, s)
	}
	return b, nil
}

// apiID returns a stable 10-character id in the style of API Gateway's.
func apiID(stack, logicalID string) string {
	h := fnv.New64a()
	h.Write([]byte(stack + "/" + logicalID))
	id := strconv.FormatUint(h.Sum64(), 36)
	for len(id) < 10 {
		id = "0" + id
	}
	return id[:10]
}

// GetAtt returns the value of !GetAtt resource.attr: a queue's Arn, QueueName
// or QueueUrl; a table's Arn; a function's Arn. It returns an error for an
// unknown resource or attribute.
func (r *Resolver) GetAtt(logicalID, attr string) (string, error) {
	res, ok := r.tpl.Resources[logicalID]
	if !ok {
		return "", fmt.Errorf("GetAtt %s.%s: no such resource", logicalID, attr)
	}
	name, err := r.PhysicalName(logicalID)
	if err != nil {
		return "", err
	}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, r.ctx.Region, r.ctx.AccountID, resource)
	}
	switch res.Type + "." + attr {
	case "AWS::SQS::Queue.Arn":
		return arn("sqs", name), nil
	case "AWS::SQS::Queue.QueueName":
		return name, nil
	case "AWS::SQS::Queue.QueueUrl":
		return r.queueURL(name)
	case "AWS::DynamoDB::Table.Arn":
		return arn("dynamodb", "table/"+name), nil
	case "AWS::Serverless::Function.Arn", "AWS::Lambda::Function.Arn":
		return arn("lambda", "function:"+name), nil
	}
	return "", fmt.Errorf("GetAtt %s.%s: unsupported attribute of %s", logicalID, attr, res.Type)
}

// sub evaluates Fn::Sub in its "string" and [string, {var: value}] forms.
func (r *Resolver) sub(arg *yaml.Node) (string, error) {
	format := arg
	vars := map[string]string{}
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 || arg.Content[0].Kind != yaml.ScalarNode {
			return "", fmt.Errorf("line %d: Fn::Sub takes a string or [string, variables]", arg.Line)
		}
		format = arg.Content[0]
		for _, kv := range pairs(arg.Content[1]) {
			v, err := r.String(kv.value)
			if err != nil {
				return "", fmt.Errorf("Fn::Sub variable %s: %w", kv.key, err)
			}
			vars[kv.key] = v
		}
	}
	if format.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: Fn::Sub takes a string or [string, variables]", arg.Line)
	}
	var b strings.Builder
	rest := format.Value
	for {
		start := strings.Index(rest, "${")
		if start < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.Index(rest[start:], "}")
		if end < 0 {
			return "", fmt.Errorf("line %d: Fn::Sub: unclosed ${ in %q", format.Line, format.Value)
		}
		b.WriteString(rest[:start])
		name := rest[start+2 : start+end]
		rest = rest[start+end+1:]
		if literal, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + literal + "}")
			continue
		}
		v, err := r.subVariable(name, vars)
		if err != nil {
			return "", fmt.Errorf("Fn::Sub %q: %w", format.Value, err)
		}
		b.WriteString(v)
	}
}

func (r *Resolver) subVariable(name string, vars map[string]string) (string, error) {
	name = strings.TrimSpace(name)
	if v, ok := vars[name]; ok {
		return v, nil
	}
	if !strings.HasPrefix(name, "AWS::") {
		if res, attr, ok := strings.Cut(name, "."); ok {
			return r.GetAtt(res, attr)
		}
	}
	return r.Ref(name)
}

// Outputs returns the value of every output. It returns an error naming the
// first output that cannot be evaluated.
func (r *Resolver) Outputs() (map[string]string, error) {
	out := make(map[string]string, len(r.tpl.Outputs))
	for name, o := range r.tpl.Outputs {
		v, err := r.String(o.Value)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}
