{
  image(name, tag):: '%s:%s' % [name, tag],
}
