import { adapterSuite } from './suite';

adapterSuite('react');
