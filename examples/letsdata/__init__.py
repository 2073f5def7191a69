"""Example LetsData interface implementations, one module per example.

Select one with ``LETSDATA_IMPL_<INTERFACE>=<module>:<Class>``, for instance::

    LETSDATA_IMPL_SINGLEFILEPARSER=examples.letsdata.jsonl_log_parser:JsonLinesLogParser
    LETSDATA_IMPL_SINGLEFILEPARSER=examples.letsdata.wet_parser:WetFileParser
    LETSDATA_IMPL_KINESISRECORDREADER=examples.letsdata.kinesis_reader:KinesisJsonRecordReader
    LETSDATA_IMPL_QUEUEMESSAGEREADER=examples.letsdata.sqs_reader:QueueJsonMessageReader
    LETSDATA_IMPL_DYNAMODBSTREAMSRECORDREADER=examples.letsdata.dynamodb_streams_reader:DynamoDBStreamsJsonRecordReader
    LETSDATA_IMPL_DYNAMODBTABLEITEMREADER=examples.letsdata.dynamodb_table_reader:DynamoDBTableJsonItemReader
    LETSDATA_IMPL_SAGEMAKERVECTORSINTERFACE=examples.letsdata.sagemaker_vectors:SagemakerVectorsExample
    LETSDATA_IMPL_SPARKMAPPERINTERFACE=examples.letsdata.spark_wet_mapper:WetSparkMapper
    LETSDATA_IMPL_SPARKREDUCERINTERFACE=examples.letsdata.spark_reducer:UnionSparkReducer

Nothing is imported here on purpose: loading one example must not import the others.

The bridge builds each implementation once per warm container and reuses it, so none of these
classes keeps per-record state on ``self``.
"""
