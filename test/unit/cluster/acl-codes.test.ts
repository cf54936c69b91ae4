import {describe, expect, it} from 'vitest'
import {aclFromWire, aclToWire, filterToWire} from '../../../src/cluster/acl-codes.js'
import type {AclEntry} from '../../../src/model/state.js'

describe('ACL wire codes', () => {
  const entry: AclEntry = {resourceType: 'TOPIC', resourceName: 'shop.', patternType: 'PREFIXED', principal: 'User:app', host: '*', operation: 'DESCRIBE_CONFIGS', permission: 'ALLOW'}

  it('round-trips an entry through Kafka codes', () => {
    const wire = aclToWire(entry)
    expect(wire).toEqual({resourceType: 2, resourceName: 'shop.', resourcePatternType: 4, principal: 'User:app', host: '*', operation: 10, permissionType: 3})
    expect(aclFromWire({...wire, resourceName: 'shop.', principal: 'User:app', host: '*'})).toEqual(entry)
  })

  it('an empty filter matches anything', () => {
    expect(filterToWire()).toEqual({resourceType: 1, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1})
  })

  it('skips kinds streamctl does not manage', () => {
    expect(aclFromWire({resourceType: 6, resourceName: 'x', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 2, permissionType: 3})).toBeUndefined()
  })
})
