import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

/** Schema files of the test estate, keyed by path relative to the manifest directory. */
export function schemaFiles(ns: string, opts: {orderExtra?: object; customerExtra?: Record<string, object>} = {}): Record<string, string> {
  const order = {
    type: 'record', name: 'Order', namespace: ns,
    fields: [
      {name: 'orderId', type: 'string'},
      {name: 'status', type: {type: 'enum', name: 'Status', symbols: ['PLACED', 'PAID', 'CANCELLED']}},
      ...(opts.orderExtra ? [opts.orderExtra] : []),
    ],
  }
  const customer = {
    $schema: 'http://json-schema.org/draft-07/schema#', title: 'Customer', type: 'object',
    properties: {id: {type: 'string'}, name: {type: 'string'}, ...opts.customerExtra}, required: ['id'],
  }
  return {
    'schemas/order.avsc': JSON.stringify(order, null, 2),
    'schemas/customer.schema.json': JSON.stringify(customer, null, 2),
    'schemas/payment.proto': `syntax = "proto3";\npackage ${ns};\n\n// One payment.\nmessage Payment {\n  string id = 1;\n  int64 amount_cents = 2;\n}\n`,
  }
}

export function schemasYaml(prefix: string): string {
  const doc = (name: string, subject: string, type: string, file: string, compat?: string) => `apiVersion: streamctl/v1
kind: Schema
metadata: {name: ${name}}
spec:
  subject: ${subject}
  type: ${type}
  file: ${file}${compat ? `\n  compatibility: ${compat}` : ''}
`
  return [
    doc('order', `${prefix}orders-value`, 'AVRO', 'schemas/order.avsc', 'BACKWARD'),
    doc('customer', `${prefix}customers-value`, 'JSON', 'schemas/customer.schema.json'),
    doc('payment', `${prefix}payments-value`, 'PROTOBUF', 'schemas/payment.proto', 'FULL'),
  ].join('---\n')
}

export function topicsYaml(prefix: string): string {
  const t = (name: string, value: string) => `apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${prefix}${name}}
spec:
  partitions: 1
  policy: stream
  valueSchema: ${value}
`
  return [t('orders', 'order'), t('customers', 'customer'), t('payments', 'payment'), t('orders-audit', '{schema: order, strategy: record}')].join('---\n')
}

/** Writes (or rewrites) a manifest directory, creating sub-directories; returns its path. */
export function writeTree(dir: string | undefined, files: Record<string, string>): string {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'streamctl-schemas-it-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), {recursive: true})
    writeFileSync(join(root, name), content)
  }
  return root
}
