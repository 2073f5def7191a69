# LetsData Python bridge as an AWS Lambda container image (python3.12, Amazon Linux 2023).
#
# Built, smoke-tested against the Runtime Interface Emulator and pushed by ./build.sh; the README's
# "Building the image" section explains the choices below. Only runtime code and runtime dependencies
# go in: no test, lint or notebook tools. For a fully reproducible build, pin the base image by digest
# as well (public.ecr.aws/lambda/python:3.12@sha256:<digest>); the tag alone moves with AWS patches.
FROM public.ecr.aws/lambda/python:3.12

# One source of truth for the Spark version: requirements-dev.txt pins pyspark for the test suite and
# the build below refuses to continue if this ARG disagrees with that pin.
ARG PYSPARK_VERSION=3.5.9
# pyspark 3.5.x bundles the Hadoop 3.3.4 client (hadoop-client-api-3.3.4.jar). The s3a jars are the ones
# the Spark tests run with, fetched by the same script (scripts/fetch_spark_jars.py: hadoop-aws 3.3.1 and
# aws-java-sdk-bundle 1.11.901 from the PyPI sdist sagemaker-pyspark 1.4.5, SHA-256 verified). No
# reachable registry carries the 3.3.4 / 1.12.262 pair with a checksum we could pin, so the image ships
# the tested pair rather than an untested one.
ARG HADOOP_CLIENT_VERSION=3.3.4
ARG HADOOP_AWS_VERSION=3.3.1
ARG AWS_SDK_BUNDLE_VERSION=1.11.901

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Java for Spark. AL2023 images use dnf (microdnf), not yum. The AL2023 repositories are locked to the
# release of the base image, so the base image (tag or digest) fixes the Corretto build installed here.
# JAVA_HOME points at a stable link so it is the same path on x86_64 and arm64.
ENV JAVA_HOME=/usr/local/java
RUN dnf install -y java-17-amazon-corretto-headless \
    && dnf clean all \
    && rm -rf /var/cache/dnf /var/cache/yum \
    && ln -s "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" "${JAVA_HOME}" \
    && "${JAVA_HOME}/bin/java" -version

# Runtime dependencies, pinned, installed into the task root so they shadow the runtime's own boto3.
COPY requirements.txt requirements-dev.txt /tmp/build/
# (The pin check uses python rather than grep: the minimal AL2023 image ships very few tools.)
RUN python3 -c 'import sys; pins = {line.strip() for line in open(sys.argv[1])}; \
sys.exit(0 if sys.argv[2] in pins else "dockerfile: PYSPARK_VERSION does not match the pyspark pin in requirements-dev.txt")' \
        /tmp/build/requirements-dev.txt "pyspark==${PYSPARK_VERSION}" \
    && pip install --no-cache-dir --target "${LAMBDA_TASK_ROOT}" \
        -r /tmp/build/requirements.txt "pyspark==${PYSPARK_VERSION}" \
    && rm -rf /tmp/build

# s3a:// support: hadoop-aws + aws-java-sdk-bundle next to pyspark's own jars, by the script the tests
# use (it verifies the SHA-256 of both jars and fails the build on a mismatch).
ENV SPARK_HOME=${LAMBDA_TASK_ROOT}/pyspark
COPY scripts/fetch_spark_jars.py /tmp/build/fetch_spark_jars.py
RUN jars="${SPARK_HOME}/jars" \
    && test -f "${jars}/hadoop-client-api-${HADOOP_CLIENT_VERSION}.jar" \
        || { echo "dockerfile: pyspark ${PYSPARK_VERSION} does not bundle Hadoop ${HADOOP_CLIENT_VERSION}; check the s3a jars against it" >&2; exit 1; } \
    && SPARK_JARS_DIR="${jars}" python3 /tmp/build/fetch_spark_jars.py \
    && test -f "${jars}/hadoop-aws-${HADOOP_AWS_VERSION}.jar" \
    && test -f "${jars}/aws-java-sdk-bundle-${AWS_SDK_BUNDLE_VERSION}.jar" \
    && rm -rf "${jars}/.complete" /tmp/build

# Spark inside Lambda: only /tmp is writable and it is empty at every cold start, so the wrapper
# creates Spark's directories and sizes the driver heap from AWS_LAMBDA_FUNCTION_MEMORY_SIZE when the
# container starts, then hands over to the base image's entrypoint (Lambda runtime client, or the RIE
# when run outside Lambda).
ENV HOME=/tmp \
    SPARK_LOCAL_IP=127.0.0.1 \
    HADOOP_USER_NAME=letsdata \
    SPARK_USER=letsdata \
    PYTHONDONTWRITEBYTECODE=1
COPY container/spark-lambda-entrypoint.sh /usr/local/bin/spark-lambda-entrypoint.sh

# The bridge and the libraries it runs, at the top level of the task root (handler module path).
COPY letsdata_lambda_function.py ${LAMBDA_TASK_ROOT}/
COPY letsdata_interfaces/ ${LAMBDA_TASK_ROOT}/letsdata_interfaces/
COPY letsdata_service/ ${LAMBDA_TASK_ROOT}/letsdata_service/
COPY letsdata_utils/ ${LAMBDA_TASK_ROOT}/letsdata_utils/
COPY datalake_library/ ${LAMBDA_TASK_ROOT}/datalake_library/

# A non-root user with a passwd entry (Hadoop's login module needs a user name for the uid).
RUN chmod 0755 /usr/local/bin/spark-lambda-entrypoint.sh \
    && echo 'letsdata:x:1000:1000:LetsData bridge:/tmp:/sbin/nologin' >> /etc/passwd \
    && echo 'letsdata:x:1000:' >> /etc/group
USER 1000:1000

ENTRYPOINT ["/usr/local/bin/spark-lambda-entrypoint.sh"]
CMD ["letsdata_lambda_function.lambda_handler"]
