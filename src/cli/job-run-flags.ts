import {Flags} from '@oclif/core'
import {CODECS, type CodecName} from '../cluster/protocol/compression.js'

/** Flags every job command takes for how it runs (issue 18: output compression, retention gaps, starting over). */
export const jobRunFlags = {
  compression: Flags.string({description: 'compress output batches with this codec (default: the target topic\'s compression.type; `producer` there keeps the source batch\'s codec)', options: [...CODECS]}),
  'no-gaps': Flags.boolean({description: 'stop when retention deleted source records the job had not read yet (default: report them as lost and continue)', default: false}),
  restart: Flags.boolean({description: 'forget the job\'s committed positions and start over (needed to rerun a job whose options changed under the same --job name)', default: false}),
}

export function jobRunOptions(flags: {compression?: string; 'no-gaps': boolean; restart: boolean}): {compression?: CodecName; noGaps: boolean; restart: boolean} {
  return {compression: flags.compression as CodecName | undefined, noGaps: flags['no-gaps'], restart: flags.restart}
}
